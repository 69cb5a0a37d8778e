"""Every payload builder's output, and every file the recorder writes, validates against its schema: the
emulator speaks the contract the suite checks, without a round trip through sockets."""
import time
from pathlib import Path

import pytest

from sora_conformance.contract.validator import validate
from sora_emulator import payloads
from sora_emulator.answers import recording_answer, session_answer
from sora_emulator.files import Disk, FileWrite
from sora_emulator.hooks import ConnectRequest
from sora_emulator.params import UNSET, RecordingParams
from sora_emulator.recorder import Recorder
from sora_emulator.state import State

NOW = time.time()
VARIANTS = {
    "plain": dict(expire_time=None, split_only=False, split_duration=None, metadata=UNSET),
    "expiring-with-metadata": dict(expire_time=60, split_only=False, split_duration=None, metadata={"m": 1}),
    "split-only": dict(expire_time=None, split_only=True, split_duration=1, metadata=UNSET),
    "legacy": dict(expire_time=0, split_only=False, split_duration=None, metadata={"m": 1}, legacy=True),
    "legacy-split-only": dict(expire_time=0, split_only=True, split_duration=1, metadata=UNSET, legacy=True),
}


def assert_valid(payload, schema):
    assert validate(payload, schema) == [], f"{schema}: {payload}"


@pytest.fixture
def live():
    """A channel with a session and two connections, one of them connected and sending."""
    state = State(time.time)
    sender, session = state.add_connection("C" * 26, "ch", "sendonly", None, None, True, True, False)
    sender.connected = True
    state.add_connection("D" * 26, "ch", "recvonly", "client", None, True, False, False)
    session.session_metadata = {"s": 1}
    return state, session, sender


def test_session_webhooks(live):
    state, session, _ = live
    assert_valid(payloads.session_created(session, NOW), "session.created")
    assert_valid(payloads.session_updated(session, NOW), "session.updated")
    state.remove_connection("D" * 26)
    assert_valid(payloads.session_destroyed(session, NOW), "session.destroyed")


def test_auth_and_connection_webhooks(live):
    _, _, sender = live
    request = ConnectRequest(sender.connection_id, "ch", "sendonly", "client", None, {"token": "t"}, True, True,
                             True, False, False)
    assert_valid(payloads.auth_request(request, {"sendonly": 1}, NOW), "auth.request")
    assert_valid(payloads.connection_event("connection.created", sender, {"sendonly": 1}, NOW), "connection.created")
    sender.destroyed_at = NOW
    assert_valid(payloads.connection_event("connection.destroyed", sender, {}, NOW), "connection.destroyed")


@pytest.mark.parametrize("variant", VARIANTS)
def test_recording_webhooks_files_and_answers(live, variant, tmp_path):
    state, session, sender = live
    recording = state.start_recording(RecordingParams("ch", **VARIANTS[variant]), require_session=True)
    prefix = "legacy." if recording.legacy else ""
    scope = None if recording.legacy else session
    assert_valid(payloads.recording_webhook("recording.started", recording, scope, NOW), f"{prefix}recording.started")
    assert_valid(recording_answer(recording), "api.StartRecording.response")
    assert_valid(session_answer(state, session), "api.GetSession.response")
    assert_valid([session_answer(state, session)], "api.ListSessions.response")

    archive = state.open_archive(recording, sender)
    assert_valid(payloads.archive_event("archive.started", recording, archive, NOW, {}), "archive.started")
    planned: list[FileWrite] = []
    recorder = Recorder(tmp_path, Disk(lambda write: planned.append(write) or []))  # nothing reaches the disk
    _, closed = state.stop_recording("ch")
    written = recorder.finalise_archive(recording, closed[0])
    for kind, extras in written.events:
        assert_valid(payloads.archive_event(kind, recording, archive, NOW, extras), kind)
    report = recorder.write_report(recording, [written.entry])
    assert_valid(payloads.recording_webhook("recording.report", recording, scope, NOW, report),
                 f"{prefix}recording.report")
    assert_valid(recording_answer(recording), "api.StopRecording.response")

    files = {write.path.name: write.body for write in planned if not write.is_media}
    cid = sender.connection_id
    expected = {f"report-{recording.recording_id}.json": "file.legacy-report" if recording.legacy else "file.report"}
    if recording.params.split_only:
        expected |= {f"split-archive-{cid}_0001.json": "file.split-archive",
                     f"split-archive-end-{cid}.json": "file.split-archive-end"}
    else:
        expected[f"archive-{cid}.json"] = "file.archive"
    assert sorted(files) == sorted(expected)
    for name, schema in expected.items():
        assert_valid(files[name], schema)
    assert all(Path(write.path).parent == tmp_path / recording.recording_id for write in planned)
