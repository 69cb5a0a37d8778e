"""The state model alone: microseconds, no sockets."""
import itertools

import pytest

from sora_emulator.errors import AlreadyRecording, SessionNotFound
from sora_emulator.params import UNSET, RecordingParams
from sora_emulator.state import State


@pytest.fixture
def state():
    clock = itertools.count(1000)
    return State(lambda: float(next(clock)))


def params(channel="ch", **kw):
    return RecordingParams(channel, kw.get("expire_time"), kw.get("split_only", False), kw.get("split_duration"), UNSET)


def connect(state, cid, channel="ch", role="sendonly", block=False):
    return state.add_connection(cid, channel, role, None, None, True, True, block)


def test_first_connection_creates_the_session(state):
    _, created = connect(state, "c1")
    _, again = connect(state, "c2")
    assert created is not None and again is None
    assert state.sessions["ch"].max_connections == 2


def test_a_destroyed_channel_gets_a_new_session_id(state):
    first = connect(state, "c1")[1].session_id
    state.remove_connection("c1")
    state.destroy_session("ch")
    assert connect(state, "c2")[1].session_id != first


def test_session_recording_needs_a_session(state):
    with pytest.raises(SessionNotFound):
        state.start_recording(params(), require_session=True)


def test_one_recording_per_channel(state):
    connect(state, "c1")
    state.start_recording(params(), require_session=True)
    with pytest.raises(AlreadyRecording):
        state.start_recording(params(), require_session=True)


def test_recvonly_and_blocked_connections_get_no_archive(state):
    sender = connect(state, "c1")[0]
    viewer = connect(state, "c2", role="recvonly")[0]
    blocked = connect(state, "c3", block=True)[0]
    recording = state.start_recording(params(), require_session=True)
    assert state.open_archive(recording, sender) is not None
    assert state.open_archive(recording, viewer) is None
    assert state.open_archive(recording, blocked) is None


def test_legacy_recording_ignores_recording_block(state):
    blocked = connect(state, "c3", block=True)[0]
    legacy = RecordingParams("ch", 0, False, None, UNSET, legacy=True)
    recording = state.start_recording(legacy, require_session=False)
    assert state.open_archive(recording, blocked) is not None


def test_stop_closes_every_open_archive(state):
    connection = connect(state, "c1")[0]
    recording = state.start_recording(params(expire_time=60), require_session=True)
    state.open_archive(recording, connection)
    stopped, closed = state.stop_recording("ch")
    assert stopped is recording and [a.connection for a in closed] == [connection]
    assert closed[0].stop_time > closed[0].start_time and "ch" not in state.recordings
    assert recording.expires_at == recording.created_at + 60
