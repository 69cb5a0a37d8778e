"""FILES-COMPOSE in a test: judged when hisui runs, unsupported with the reason when it cannot, and only that
clause: the test's other clauses keep their verdict."""
from sora_conformance.harness.composed import hisui_composes
from sora_conformance.harness.config import build_config
from sora_conformance.harness.verdict import Checker
from tests.harness.conftest import run_report, run_verdicts

from .conftest import recording

pytest_plugins = ["pytester"]

SUITE = '''
import pytest
from sora_conformance.harness.items import CHECKER
from sora_conformance.harness.verdict import Checker


@pytest.mark.clause("MEDIA-OWN-CONTENT", "FILES-COMPOSE")
def test_media_judged_compose_not(request):
    checker = request.node.stash[CHECKER] = Checker()  # what the sora fixture does
    checker.unsupported_here("FILES-COMPOSE", "hisui has no H264 decoder here")


@pytest.mark.clause("SESSION-NEW-ID")
def test_passes():
    pass
'''


def test_a_clause_hisui_cannot_judge_is_unsupported_and_the_others_are_judged(pytester):
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest("-p", "sora_conformance.pytest_plugin", "--report-dir", "out", "--strict")
    assert result.ret == 0
    assert run_verdicts(pytester) == {"MEDIA-OWN-CONTENT": "pass", "FILES-COMPOSE": "unsupported",
                                      "SESSION-NEW-ID": "pass"}
    compose = next(c for c in run_report(pytester)["clauses"] if c["id"] == "FILES-COMPOSE")
    assert compose["tests"][0]["unsupported"] == [{"clause": "FILES-COMPOSE",
                                                   "message": "hisui has no H264 decoder here"}]
    assert "unsupported [FILES-COMPOSE]: hisui has no H264 decoder here" in (pytester.path / "out" /
                                                                            "conformance-report.md").read_text()


def test_no_hisui_here_makes_the_step_unsupported(tmp_path, real_sora_webm):
    binary = tmp_path / "not-hisui"
    binary.write_text("not a program")  # exists, cannot run
    checker = Checker(strict=True)
    config = build_config({"hisui": str(binary)}, env={})
    hisui_composes(recording(tmp_path / "REC", real_sora_webm, {"archive-A": (0, 3)}), config, checker,
                   lambda *_: None)
    assert [u.clause for u in checker.unsupported] == ["FILES-COMPOSE"] and not checker.warnings
    assert "cannot run" in checker.unsupported[0].message


def test_what_hisui_says_is_judged_and_kept_as_evidence(tmp_path, real_sora_webm):
    checker, evidence = Checker(), {}
    directory = recording(tmp_path / "REC", real_sora_webm, {"split-archive-A_0001": (0, 3),
                                                            "split-archive-A_0002": (2, 6)})
    hisui_composes(directory, build_config({}, env={}), checker, evidence.__setitem__)
    assert [w.clause for w in checker.warnings] == ["FILES-COMPOSE"] * 3
    assert "without split-archive-A_0002.webm" in checker.warnings[0].message
    assert set(evidence["hisui on REC"]["inspect"]) == {"split-archive-A_0001.webm", "split-archive-A_0002.webm"}


def test_a_recording_without_media_never_passes(tmp_path):
    checker = Checker()
    directory = tmp_path / "REC"
    directory.mkdir()
    (directory / "report-REC.json").write_text("{}")
    hisui_composes(directory, build_config({}, env={}), checker, lambda *_: None)
    assert [w.message.split(" (")[0] for w in checker.warnings] == ["REC has no media file for hisui to compose"]
