"""What Sora and Shiguredo's tools really wrote (fixtures/real/) is judged the way it should be."""
import json

import pytest

from sora_conformance.cli import main
from sora_conformance.contract.files import validate_file, validate_jsonl
from sora_conformance.paths import fixtures_dir
from sora_conformance.contract.validator import validate

REAL = fixtures_dir() / "real"
RECORDING_FILES = sorted(p for p in REAL.glob("*/*.json") if p.name != "report.json")


def run(capsys, *argv):
    code = main(["validate", *map(str, argv)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out


def test_every_source_has_a_provenance_readme():
    for source in (p for p in REAL.iterdir() if p.is_dir()):
        text = (source / "README.md").read_text(encoding="utf-8")
        assert all(word in text for word in ("repository", "commit", "Sora version", "alteration")), source


def test_sora_2025_2_1_session_webhook_log_validates(capsys):
    log = REAL / "kohaku" / "session_webhook.jsonl"
    code, out = run(capsys, log)
    assert code == 0, out
    assert out.strip().endswith("10 checked, 0 invalid, 0 with warnings only, 0 not covered by the contract")
    schemas = [r.schema for r in validate_jsonl(log)]
    assert schemas == ["session.created"] + ["session.updated"] * 9


@pytest.mark.parametrize("path", RECORDING_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_recording_files_have_no_must_level_failure(path):
    result = validate_file(path)
    assert result.error is None and result.schema and result.schema.startswith("file.")
    assert [str(v) for v in result.violations if v.level == "must"] == []
    assert not [v for v in result.violations if v.pointer.split("/")[1:2] in (["format"], ["audio"], ["video"],
                                                                               ["start_time_offset"],
                                                                               ["stop_time_offset"])]


def test_hisui_reduced_report_fails_only_for_want_of_recording_id():
    result = validate_file(REAL / "hisui" / "report.json", as_type="file.report")
    must = [v for v in result.violations if v.level == "must"]
    assert [(v.clause, "recording_id" in v.message) for v in must] == [("ID-FILES", True)]


def test_report_entries_and_format_of_the_reduced_report_are_modelled():
    report = json.loads((REAL / "hisui" / "report.json").read_text()) | {"recording_id": "R", "channel_id": "c",
                                                                         "session_id": "5ZJ8Q3M0V6T1H4R7W9K2N5P8BA"}
    assert [str(v) for v in validate(report, "file.report") if v.pointer.startswith(("/format", "/archives"))] == []
