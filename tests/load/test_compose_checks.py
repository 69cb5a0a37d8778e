"""The checks Shiguredo's readers make, under load: a recording's containers judged rule by rule, hisui
composing it; neither passes on nothing, and hisui missing here is unsupported, never a pass."""
from sora_conformance.harness.archive import ArchiveDir
from sora_conformance.load import compose_checks
from sora_conformance.load.compose_checks import COMPOSE_CHECKS
from sora_conformance.load.judge import judge
from tests.contract.media_builders import SoraWebm, ffmpeg_file

from .test_judge import entry, recording, verdicts


def recorded(tmp_path, write, **params):
    directory = tmp_path / "R"
    directory.mkdir()
    if write is not None:
        write(directory / "archive-C1.webm")
    return recording({"archives": [entry("C1")], "failed_archives": []},
                     archive=ArchiveDir(tmp_path, lambda name, value: None), **params)


def test_a_webm_in_soras_shape_passes_the_container_clauses(tmp_path, monkeypatch):
    monkeypatch.setattr(compose_checks, "hisui_here", lambda: "no hisui in this test")
    outcomes = verdicts(judge(recorded(tmp_path, lambda p: SoraWebm().write(p)), COMPOSE_CHECKS))
    assert outcomes["FILE-WEBM-SHAPE"] == "pass" and outcomes["FILE-FINALISED"] == "pass"
    assert "FILE-MP4-SHAPE" not in outcomes  # a WebM recording says nothing of MP4


def test_a_webm_ffmpeg_wrote_fails_the_webm_shape(tmp_path, monkeypatch):
    monkeypatch.setattr(compose_checks, "hisui_here", lambda: "no hisui in this test")
    outcomes = verdicts(judge(recorded(tmp_path, ffmpeg_file), COMPOSE_CHECKS))
    assert outcomes["FILE-WEBM-SHAPE"] == "fail"


def test_no_media_file_leaves_the_container_clauses_not_judged(tmp_path, monkeypatch):
    monkeypatch.setattr(compose_checks, "hisui_here", lambda: "no hisui in this test")
    outcomes = verdicts(judge(recorded(tmp_path, None), COMPOSE_CHECKS))
    assert outcomes["FILE-WEBM-SHAPE"] == "not-judged" and outcomes["FILE-FINALISED"] == "not-judged"


def test_hisui_missing_here_makes_files_compose_unsupported(tmp_path, monkeypatch):
    monkeypatch.setattr(compose_checks, "hisui_here", lambda: "hisui not found")
    outcomes = verdicts(judge(recorded(tmp_path, lambda p: SoraWebm().write(p)), COMPOSE_CHECKS))
    assert outcomes["FILES-COMPOSE"] == "unsupported"
