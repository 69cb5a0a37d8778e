"""What Sora and Shiguredo's tools really wrote is judged the way it should be. The files are read at run time
from ../shared/real (SORA_CONFORMANCE_REAL), never copied into the repository: without them these tests skip
with one line, and fail under CI=true."""
import json

import pytest

from tests.validating import run
from sora_conformance.contract.files import validate_file, validate_jsonl
from sora_conformance.paths import real_artifacts_dir
from sora_conformance.contract.validator import validate
from sora_conformance.harness.media import RecordedFile
from sora_conformance.media.content import read_media

REDUCED_REPORTS = ("report.json", "report-e2e-simple_multi_sources.json")  # hisui's, cut down to what it reads
SORA_WEBM = "hisui/archive-black-silent.webm"


def recording_files():
    root = real_artifacts_dir()
    found = [p for source in ("hisui", "sora-archive-compositor") for p in sorted((root / source).glob("*.json"))]
    return [p for p in found if p.name not in REDUCED_REPORTS]



def test_every_source_states_its_provenance(real):
    listed = (real / "SOURCES.md").read_text(encoding="utf-8")
    for source in (p for p in real.iterdir() if p.is_dir()):
        own = source / "PROVENANCE.md"
        if own.is_file():
            text = own.read_text(encoding="utf-8")
            assert all(word in text for word in ("repository", "commit", "Sora version", "alteration")), source
        else:
            assert f"{source.name}/" in listed, f"{source.name} is described neither in PROVENANCE.md nor SOURCES.md"


def test_sora_2025_2_1_session_webhook_log_validates(real, capsys):
    log = real / "kohaku" / "session_webhook.jsonl"
    code, out, _ = run(capsys, log)
    assert code == 0, out
    assert out.strip().endswith("10 checked, 0 invalid, 0 with warnings only, 0 not covered by the contract")
    schemas = [r.schema for r in validate_jsonl(log)]
    assert schemas == ["session.created"] + ["session.updated"] * 9


@pytest.mark.parametrize("name", [p.relative_to(real_artifacts_dir()).as_posix() for p in recording_files()]
                         or ["(real artifacts absent)"])
def test_real_recording_files_have_no_must_level_failure(real, name):
    result = validate_file(real / name)
    assert result.error is None and result.schema and result.schema.startswith("file.")
    assert [str(v) for v in result.violations if v.level == "must"] == []
    assert not [v for v in result.violations if v.pointer.split("/")[1:2] in (["format"], ["audio"], ["video"],
                                                                               ["start_time_offset"],
                                                                               ["stop_time_offset"])]


@pytest.mark.parametrize("name", REDUCED_REPORTS)
def test_hisui_reduced_report_fails_only_for_want_of_recording_id(real, name):
    result = validate_file(real / "hisui" / name, as_type="file.report")
    must = [v for v in result.violations if v.level == "must"]
    assert [(v.clause, "recording_id" in v.message) for v in must] == [("ID-FILES", True)]


def test_report_entries_and_format_of_the_reduced_report_are_modelled(real):
    report = json.loads((real / "hisui" / "report.json").read_text()) | {"recording_id": "R", "channel_id": "c",
                                                                         "session_id": "5ZJ8Q3M0V6T1H4R7W9K2N5P8BA"}
    assert [str(v) for v in validate(report, "file.report") if v.pointer.startswith(("/format", "/archives"))] == []


def test_the_webm_sora_wrote_decodes_whole_through_the_media_path(real):
    content = read_media(real / SORA_WEBM)
    assert content.error is None and len(content.colours) == 31
    assert content.span == pytest.approx(2.9, abs=0.1) and content.stated_duration == pytest.approx(2.901)
    assert RecordedFile({}, content).cut_short() is None


def test_the_webm_sora_wrote_passes_validate(real, capsys):
    code, out, _ = run(capsys, real / SORA_WEBM)
    assert code == 0, out
    assert out.strip().endswith("1 checked, 0 invalid, 0 with warnings only, 0 not covered by the contract")
