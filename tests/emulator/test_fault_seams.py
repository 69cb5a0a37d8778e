"""Faults through one seam: each fault declares what it changes, and only its seam applies it."""
import ast
import copy
import dataclasses
from pathlib import Path

import av
import numpy as np
import pytest

import sora_emulator
from sora_emulator.config import EmulatorConfig
from sora_emulator.errors import SessionNotFound, UnknownTarget
from sora_emulator.faults import FAULTS, ActiveFaults, UnknownFault
from sora_emulator.faults.model import KINDS, ApiCall, Fault
from sora_emulator.files import Disk, FileWrite
from sora_emulator.media.seams import NO_CHANGES, At, default_muxing
from sora_emulator.media.webm import AUDIO_TRACK, VIDEO_TRACK, Block
from sora_emulator.params import RecordingParams, RecordingRules
from sora_emulator.policies import POLICIES, ArchivePolicy, RecordingApi, SessionLifecycle
from sora_emulator.state import Recording
from sora_emulator.webhooks import Hook

PACKAGE = Path(sora_emulator.__file__).parent
RULES_SEAM = "params.py"  # the rules are data: params.py checks a request against the rules it is given
SESSION_REPORT = {"type": "recording.report", "id": "I", "channel_id": "c", "session_id": "S",
                  "session_metadata": {"s": 1},
                  "data": {"channel_id": "c", "session_id": "S", "recording_id": "R", "recording_metadata": {"r": 1}}}
LEGACY_REPORT = {"type": "recording.report", "id": "I", "channel_id": "c", "log_written": True,
                 "data": {"channel_id": "c", "recording_id": "R"}}
ARCHIVE = {"type": "archive.available", "id": "I", "channel_id": "c", "data": {"connection_id": "C"}}


def test_every_fault_changes_something_at_a_seam():
    assert [name for name, fault in FAULTS.items() if not fault.seams] == []


def test_a_fault_declares_only_the_kinds_of_change_a_seam_applies():
    assert [f.name for f in dataclasses.fields(Fault)] == ["name", "clause", "description", *KINDS]


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_rule_changes_name_real_fields_and_differ_from_sora(name):
    defaults = {f.name: f.default for f in dataclasses.fields(RecordingRules)}
    for key, value in FAULTS[name].rules.items():
        assert key in defaults, f"{name}: RecordingRules has no {key}"
        assert value != defaults[key], f"{name}: {key} = {value!r} changes nothing"


@pytest.mark.parametrize("name", sorted(name for name, fault in FAULTS.items() if fault.policy))
def test_a_policy_fault_replaces_one_policy_and_overrides_one_of_its_decisions(name):
    policy = FAULTS[name].policy
    [base] = [base for base in POLICIES if issubclass(policy, base)]
    decisions = {attr for attr, value in vars(base).items() if callable(value) and not attr.startswith("_")}
    overridden = {attr for attr in vars(policy) if not attr.startswith("__")}
    assert overridden and overridden <= decisions, f"{name}: {policy.__name__} overrides {overridden}"


@pytest.mark.parametrize("policy", [*POLICIES, *(fault.policy for fault in FAULTS.values() if fault.policy)],
                         ids=lambda policy: policy.__name__)
def test_policies_decide_by_methods_and_hold_only_sora_conf_settings(policy):
    """No switch in a policy: its fields are sora.conf settings (EmulatorConfig's), its class attributes methods."""
    settings = {f.name for f in dataclasses.fields(EmulatorConfig)}
    fields = {f.name for f in dataclasses.fields(policy)} if dataclasses.is_dataclass(policy) else set()
    assert fields <= settings
    attributes = {attr for klass in policy.__mro__[:-1] for attr, value in vars(klass).items()
                  if not attr.startswith("__") and not callable(value)}
    assert attributes <= fields


def test_no_fault_only_flag_is_read_outside_the_faults_and_the_seams():
    """A value only a fault sets (a rule of what the API accepts: the rules are the only switches left) is read by
    its seam alone; every other decision a fault changes is a policy it replaces whole."""
    config_set = {"max_expire_time", "max_split_duration"}  # sora.conf's recording_max_*, not only faults'
    flags = {key for fault in FAULTS.values() for key in fault.rules} - config_set
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "faults" or path.name == RULES_SEAM:
            continue
        read = {node.attr for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Attribute)}
        found += [f"{path.relative_to(PACKAGE)}: {flag}" for flag in sorted(read & flags)]
    assert found == []


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


def test_the_media_writer_and_muxers_decide_nothing_of_the_policies():
    """Media faults change frames and containers at their seams (media/seams.py); the writer imports neither the
    policies nor the faults: it is handed the files to write and their changes."""
    for path in (PACKAGE / "media").glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = [(node.module or "").removeprefix("sora_emulator.") for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom)]
        assert not any(module.split(".")[0] in ("policies", "faults") for module in imported), path.name


def test_no_faults_means_sora_rules_and_policies():
    none = ActiveFaults()
    assert none.rules(RecordingRules()) == RecordingRules()
    assert [none.policy(base) for base in POLICIES] == list(POLICIES)
    assert none.media() is NO_CHANGES


def test_two_faults_replacing_one_policy_cannot_run_together():
    with pytest.raises(UnknownFault, match="recording-spans-sessions, recording-survives-destroy .*SessionLifecycle"):
        ActiveFaults(["recording-survives-destroy", "recording-spans-sessions"])
    assert ActiveFaults(["recording-survives-destroy", "format-ignored"]).names


def test_legacy_api_faults_override_sora_conf():
    assert ActiveFaults(["legacy-api-still-on"]).policy(RecordingApi)(legacy_recording=False).legacy_enabled()
    assert not ActiveFaults(["legacy-api-disabled"]).policy(RecordingApi)(legacy_recording=True).legacy_enabled()
    assert RecordingApi(legacy_recording=True).legacy_enabled() and not RecordingApi().legacy_enabled()


# --- the policies faults replace -----------------------------------------------------------------------
def recording(legacy=False, expire_time=None):
    return Recording("R", "c", None if legacy else "S", RecordingParams("c", expire_time, False, None, None, legacy), 0.0)


@pytest.mark.parametrize(("fault", "ends"), [
    (None, {"session": True, "expiring": True, "legacy": False}),
    ("recording-survives-destroy", {"session": False, "expiring": False, "legacy": False}),
    ("expire-outlives-destroy", {"session": True, "expiring": False, "legacy": False}),
    ("legacy-stops-on-destroy", {"session": True, "expiring": True, "legacy": True}),
])
def test_which_recordings_end_with_their_session(fault, ends):
    lifecycle = ActiveFaults([fault] if fault else []).policy(SessionLifecycle)()
    recordings = {"session": recording(), "expiring": recording(expire_time=60), "legacy": recording(legacy=True)}
    assert {kind: lifecycle.ends_with_session(rec) for kind, rec in recordings.items()} == ends


def test_session_ids_are_new_and_upper_case_unless_a_fault_says_otherwise():
    def issued(faults):
        return ActiveFaults(faults).policy(SessionLifecycle)().session_id("PREVIOUS")
    assert issued([]) != "PREVIOUS" and issued([]).isupper()
    assert issued(["reuse-session-id"]) == "PREVIOUS"
    assert issued(["lowercase-session-id"]).islower()


@pytest.mark.parametrize(("fault", "sources"), [
    (None, {"A": ["A"], "B": ["B"]}),
    ("archive-media-swapped", {"A": ["B"], "B": ["A"]}),
    ("blocked-media-mixed", {"A": ["A", "X"], "B": ["B", "X"]}),
])
def test_whose_media_goes_into_each_archive(fault, sources):
    policy = ActiveFaults([fault] if fault else []).policy(ArchivePolicy)()
    assert {own: policy.sources(own, ["A", "B"], ["X"]) for own in ("A", "B")} == sources
    assert policy.sources("A", ["A"], []) == ["A"]


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
    first, block = Block(AUDIO_TRACK, 0, True, b"w", 20), Block(AUDIO_TRACK, 5, True, b"x", 20)
    video = Block(VIDEO_TRACK, 0, True, b"v")
    cluster = ("Cluster", [("Timestamp", 0), ("SimpleBlock", video), ("SimpleBlock", first), ("SimpleBlock", block)])
    [grouped] = ActiveFaults(["webm-blockgroup"]).media().element(cluster)
    assert grouped[1][:3] == cluster[1][:3] and grouped[1][3][0] == "BlockGroup"  # the Cluster's last audio only
    assert dict(grouped[1][3][1])["BlockDuration"] == 20
    assert ActiveFaults(["webm-no-cues"]).media().element(("Cues", [])) == []
    assert ActiveFaults(["webm-no-cues"]).media().element(cluster) == [cluster]
    [swapped] = ActiveFaults(["webm-audio-track-1"]).media().element(cluster)
    assert [child[1].track for child in swapped[1][1:]] == [AUDIO_TRACK, VIDEO_TRACK, VIDEO_TRACK]
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


def test_answer_changes_hide_the_recording_from_sessions_only():
    session = {"session_id": "S", "recording": {"recording_id": "R"}}
    faults = ActiveFaults(["session-hides-recording"])
    assert faults.answered(call("Sora_20231220.GetSession"), session) == {"session_id": "S"}
    assert faults.answered(call("Sora_20231220.ListSessions"), [session]) == [{"session_id": "S"}]
    started = {"recording_id": "R"}
    assert faults.answered(call("Sora_20231220.StartRecording"), started) is started
    assert ActiveFaults().answered(call("Sora_20231220.GetSession"), session) is session


def test_refusal_faults_change_the_refusal():
    refusal = {"error_type": "SESSION-NOT-FOUND", "message": "m"}
    assert ActiveFaults(["refusal-as-server-error"]).refusal(404, refusal) == (500, refusal)
    assert ActiveFaults(["error-without-error-type"]).refusal(404, refusal) == (404, {"message": "m"})
    assert ActiveFaults().refusal(404, refusal) == (404, refusal)
