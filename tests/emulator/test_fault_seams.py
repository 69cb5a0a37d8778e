"""Faults through one seam: each fault declares what it changes, and only its seam applies it."""
import ast
import copy
import dataclasses
from pathlib import Path

import av
import numpy as np
import pytest

import sora_emulator
from sora_emulator.behaviour import Behaviour
from sora_emulator.errors import SessionNotFound, UnknownTarget
from sora_emulator.faults import FAULTS, ActiveFaults
from sora_emulator.faults.model import ApiCall
from sora_emulator.files import Disk, FileWrite
from sora_emulator.media.seams import NO_CHANGES, At, default_muxing
from sora_emulator.media.webm import AUDIO_TRACK, VIDEO_TRACK, Block
from sora_emulator.params import RecordingRules
from sora_emulator.webhooks import Hook

PACKAGE = Path(sora_emulator.__file__).parent
SESSION_REPORT = {"type": "recording.report", "id": "I", "channel_id": "c", "session_id": "S",
                  "session_metadata": {"s": 1},
                  "data": {"channel_id": "c", "session_id": "S", "recording_id": "R", "recording_metadata": {"r": 1}}}
LEGACY_REPORT = {"type": "recording.report", "id": "I", "channel_id": "c", "log_written": True,
                 "data": {"channel_id": "c", "recording_id": "R"}}
ARCHIVE = {"type": "archive.available", "id": "I", "channel_id": "c", "data": {"connection_id": "C"}}


def test_every_fault_changes_something_at_a_seam():
    assert [name for name, fault in FAULTS.items() if not fault.seams] == []


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_rule_and_behaviour_changes_name_real_fields_and_differ_from_sora(name):
    fault = FAULTS[name]
    for declared, kind in ((fault.rules, RecordingRules), (fault.behaviour, Behaviour)):
        defaults = {f.name: f.default for f in dataclasses.fields(kind)}
        for key, value in declared.items():
            assert key in defaults, f"{name}: {kind.__name__} has no {key}"
            if not (kind is Behaviour and key == "legacy_api"):  # its default comes from sora.conf
                assert value != defaults[key], f"{name}: {key} = {value!r} changes nothing"


def test_no_module_outside_the_fault_package_names_a_fault():
    """A fault is applied by its seam, never by a check of its name in the code it breaks."""
    names = set(FAULTS)
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "faults":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in names:
                found.append(f"{path.relative_to(PACKAGE)}: {node.value}")
    assert found == []


def test_the_fault_package_imports_neither_the_api_nor_the_app():
    """Faults describe changes; the app and the API apply them: no arrow runs back from faults/ to either."""
    for path in (PACKAGE / "faults").glob("*.py"):
        imported = [node.module or "" for node in ast.walk(ast.parse(path.read_text()))
                    if isinstance(node, ast.ImportFrom)]
        assert [m for m in imported if m.removeprefix("sora_emulator.").split(".")[0] in ("api", "app")] == [], \
            path.name


def test_the_media_writer_and_muxers_read_no_fault_switch():
    """Media faults change frames and containers at their seams (media/seams.py); the writer decides nothing by a
    flag: it never imports the app's behaviour, and names none of its fields."""
    fields = {f.name for f in dataclasses.fields(Behaviour)} | {"behaviour", "Behaviour"}
    for path in (PACKAGE / "media").glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not any(module and "behaviour" in module for module in imported), path.name
        named = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)} | \
            {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        assert named & fields == set(), f"{path.name} reads {named & fields}"


def test_no_faults_means_sora_rules_and_behaviour():
    none = ActiveFaults()
    assert none.rules(RecordingRules()) == RecordingRules()
    assert none.behaviour(Behaviour(legacy_api=True)) == Behaviour(legacy_api=True)
    assert none.media() is NO_CHANGES


def test_legacy_api_faults_override_sora_conf():
    assert ActiveFaults(["legacy-api-still-on"]).behaviour(Behaviour(legacy_api=False)).legacy_api is True
    assert ActiveFaults(["legacy-api-disabled"]).behaviour(Behaviour(legacy_api=True)).legacy_api is False


# --- the sending seam -------------------------------------------------------------------------------
def test_a_webhook_change_never_touches_the_builders_body():
    body = copy.deepcopy(SESSION_REPORT)
    out = ActiveFaults(["no-session-id-in-recording-webhook"]).webhook(Hook.SESSION, body)
    assert "session_id" not in out.body and "session_id" not in out.body["data"]
    assert body == SESSION_REPORT


@pytest.mark.parametrize(("fault", "body", "hook"), [
    ("recording-webhook-on-event", SESSION_REPORT, Hook.EVENT),
    ("legacy-webhook-on-session", LEGACY_REPORT, Hook.SESSION),
    ("archive-webhook-on-session", ARCHIVE, Hook.SESSION),
])
def test_routing_faults_move_only_their_kind_of_webhook(fault, body, hook):
    faults = ActiveFaults([fault])
    assert faults.webhook(Hook.SESSION if hook is Hook.EVENT else Hook.EVENT, body).hook is hook
    others = [b for b in (SESSION_REPORT, LEGACY_REPORT, ARCHIVE) if b is not body]
    for other in others:
        assert faults.webhook(Hook.AUTH, other).hook is Hook.AUTH


@pytest.mark.parametrize(("fault", "changed"), [
    ("drop-session-metadata", lambda b: "session_metadata" not in b),
    ("drop-recording-metadata", lambda b: "recording_metadata" not in b["data"]),
    ("legacy-metadata-key", lambda b: b["data"]["metadata"] == {"r": 1} and "recording_metadata" not in b["data"]),
    ("log-written-leak", lambda b: b["log_written"] is True),
    ("recording-webhook-without-id", lambda b: "id" not in b),
    ("expire-time-zero-when-unset", lambda b: b["data"]["expire_time"] == 0),
    ("expired-at-when-unset", lambda b: b["data"]["expired_at"] == 0),
])
def test_payload_faults_change_session_recording_webhooks_only(fault, changed):
    faults = ActiveFaults([fault])
    assert changed(faults.webhook(Hook.SESSION, SESSION_REPORT).body)
    assert faults.webhook(Hook.EVENT, LEGACY_REPORT).body == LEGACY_REPORT


def test_expire_faults_leave_a_given_expire_time_alone():
    given = SESSION_REPORT | {"data": SESSION_REPORT["data"] | {"expire_time": 60, "expired_at": 160}}
    faults = ActiveFaults(["expire-time-zero-when-unset", "expired-at-when-unset"])
    assert faults.webhook(Hook.SESSION, given).body["data"] == given["data"]


# --- the recorder's disk ------------------------------------------------------------------------------
def written(tmp_path, faults, name, body=None):
    disk = Disk(ActiveFaults(faults).file)
    if body is None:
        return disk.media(tmp_path / name, 0.2), sorted(p.name for p in tmp_path.iterdir())
    disk.json(tmp_path / name, body)
    return None, sorted(p.name for p in tmp_path.iterdir())


def test_no_files_writes_nothing_and_reports_size_zero(tmp_path):
    assert written(tmp_path, ["no-files"], "archive-C.webm") == (0, [])
    assert written(tmp_path, ["no-files"], "report-R.json", {"recording_id": "R"}) == (None, [])


def test_archive_in_two_formats_adds_an_mp4_of_the_single_archive_only(tmp_path):
    size, names = written(tmp_path, ["archive-in-two-formats"], "archive-C.webm")
    assert size > 0 and names == ["archive-C.mp4", "archive-C.webm"]
    _, names = written(tmp_path, ["archive-in-two-formats"], "split-archive-C_0001.webm")
    assert "split-archive-C_0001.mp4" not in names


@pytest.mark.parametrize(("fault", "changed"), [
    ("report-file-without-recording-id", lambda b: "recording_id" not in b),
    ("report-file-no-recording-metadata", lambda b: "recording_metadata" not in b),
    ("report-file-metadata-key", lambda b: b["metadata"] == b["recording_metadata"]),
    ("expire-time-zero-when-unset", lambda b: b["expire_time"] == 0),
    ("expired-at-when-unset", lambda b: b["expired_at"] == 0),
])
def test_report_file_faults_change_the_session_report_as_written(fault, changed):
    report = {"recording_id": "R", "session_id": "S", "recording_metadata": {"r": 1}}
    [write] = ActiveFaults([fault]).file(FileWrite(Path("report-R.json"), report))
    assert changed(write.body) and report == {"recording_id": "R", "session_id": "S", "recording_metadata": {"r": 1}}
    archive = FileWrite(Path("archive-C.json"), {"recording_id": "R", "session_id": "S"})
    assert ActiveFaults([fault]).file(archive) == [archive]


def test_truncation_cuts_media_writes_only(tmp_path):
    media = tmp_path / "archive-C.webm"
    media.write_bytes(bytes(100))
    faults = ActiveFaults(["archive-truncated"])
    assert Disk(faults.file).media(media, 1.0) == 50 == media.stat().st_size
    [json_write] = faults.file(FileWrite(tmp_path / "archive-C.json", {"a": 1}))
    assert json_write.kept == 1.0


@pytest.mark.parametrize(("name", "rounded_up"), [
    ("split-archive-C_0001.json", True), ("split-archive-end-C.json", False), ("archive-C.json", False)])
def test_split_offsets_overlap_rounds_up_the_stop_of_split_pieces_only(name, rounded_up):
    body = {"start_time_offset": 0, "stop_time_offset": 1}
    [write] = ActiveFaults(["split-offsets-overlap"]).file(FileWrite(Path(name), body))
    assert write.body == body | {"stop_time_offset": 2 if rounded_up else 1}


# --- the media writer's seams ---------------------------------------------------------------------------
class Frame:
    width, height = 4, 2


def sound():
    frame = av.AudioFrame.from_ndarray(np.ones((1, 1920), np.int16), format="s16", layout="stereo")
    frame.sample_rate = 48000
    return frame


@pytest.mark.parametrize(("fault", "kind", "at", "kept"), [
    ("archive-frames-dropped", "video", At(0.3), False), ("archive-frames-dropped", "video", At(0.9), True),
    ("archive-frames-dropped", "audio", At(0.5), True), ("split-archive-gap", "audio", At(0.4, 1.0), False),
    ("split-archive-gap", "video", At(0.39, 1.0), True), ("split-archive-gap", "video", At(5.0), True),
])
def test_frame_drops_fall_where_their_fault_says(fault, kind, at, kept):
    frame = Frame()
    assert (ActiveFaults([fault]).media().frames(kind, frame, at) is frame) == kept


@pytest.mark.parametrize(("fault", "kinds"), [("archive-media-blank", {"video", "audio"}),
                                              ("archive-audio-silent", {"audio"})])
def test_blanking_faults_replace_only_their_kinds(fault, kinds):
    changes = ActiveFaults([fault]).media()
    assert {kind for kind, frame in (("video", Frame()), ("audio", sound()))
            if changes.frames(kind, frame, At(0.0)) is not frame} == kinds


@pytest.mark.parametrize(("fault", "fmt", "changed"), [
    ("webm-ffmpeg-container", "webm", lambda m: m.muxer == "ffmpeg"),
    ("mp4-fragmented", "mp4", lambda m: "frag_keyframe" in m.options["movflags"]),
    ("mp4-parameter-sets-out-of-band", "mp4", lambda m: m.video_filter == "filter_units=remove_types=7|8"),
])
def test_muxing_faults_change_only_their_format(fault, fmt, changed):
    changes = ActiveFaults([fault]).media()
    assert changed(changes.muxing(default_muxing(fmt)))
    other = default_muxing("mp4" if fmt == "webm" else "webm")
    assert changes.muxing(other) == other


def test_element_faults_change_only_their_elements():
    block = Block(AUDIO_TRACK, 5, True, b"x", 7, 13_500_000)
    video = Block(VIDEO_TRACK, 0, True, b"v")
    cluster = ("Cluster", [("Timestamp", 0), ("SimpleBlock", video), ("SimpleBlock", block)])
    [grouped] = ActiveFaults(["webm-blockgroup"]).media().element(cluster)
    assert grouped[1][:2] == cluster[1][:2] and grouped[1][2][0] == "BlockGroup"
    assert dict(grouped[1][2][1])["DiscardPadding"] == 13_500_000
    assert ActiveFaults(["webm-no-cues"]).media().element(("Cues", [])) == []
    assert ActiveFaults(["webm-no-cues"]).media().element(cluster) == [cluster]
    [swapped] = ActiveFaults(["webm-audio-track-1"]).media().element(cluster)
    assert [child[1].track for child in swapped[1][1:]] == [AUDIO_TRACK, VIDEO_TRACK]
    info = ("Info", [("TimestampScale", 1_000_000)])
    assert ActiveFaults(["webm-audio-track-1", "webm-blockgroup"]).media().element(info) == [info]


# --- dispatch -----------------------------------------------------------------------------------------
class FakeState:
    def recording(self, channel_id):
        raise AssertionError("not asked")


def call(target, body=None):
    return ApiCall(target, body or {}, FakeState())


def test_api_answer_faults_answer_only_their_target():
    assert ActiveFaults(["list-sessions-empty"]).answer(call("Sora_20231220.ListSessions")) == (200, [])
    assert ActiveFaults(["list-sessions-empty"]).answer(call("Sora_20231220.GetSession")) is None
    assert ActiveFaults(["channel-id-optional"]).answer(call("Sora_20231220.StartRecording")) == (200, {})
    assert ActiveFaults(["channel-id-optional"]).answer(call("Sora_20231220.StartRecording", {"channel_id": "c"})) \
        is None
    with pytest.raises(UnknownTarget):
        ActiveFaults(["start-recording-20231220-unknown"]).answer(call("Sora_20231220.StartRecording"))
    with pytest.raises(SessionNotFound):
        ActiveFaults(["get-session-unknown"]).answer(call("Sora_20231220.GetSession", {"channel_id": "c"}))
    assert ActiveFaults().answer(call("Sora_20231220.ListSessions")) is None


def test_refusal_faults_change_the_refusal():
    refusal = {"error_type": "SESSION-NOT-FOUND", "message": "m"}
    assert ActiveFaults(["refusal-as-server-error"]).refusal(404, refusal) == (500, refusal)
    assert ActiveFaults(["error-without-error-type"]).refusal(404, refusal) == (404, {"message": "m"})
    assert ActiveFaults().refusal(404, refusal) == (404, refusal)
