"""API answers given instead of the handler's, changes to the handler's answers and to every refusal, applied at
dispatch (sora_emulator/api/dispatch.py)."""
from __future__ import annotations

from typing import Any

from ..answers import recording_answer
from ..errors import SessionNotFound, UnknownTarget
from ..params import channel_id_of
from .model import Answer, ApiAnswer, ApiCall

START, STOP = "Sora_20231220.StartRecording", "Sora_20231220.StopRecording"
GET_SESSION, LIST_SESSIONS = "Sora_20231220.GetSession", "Sora_20231220.ListSessions"


def _on(target: str, answer: ApiAnswer) -> ApiAnswer:
    return lambda call: answer(call) if call.target == target else None


def _unknown_target(call: ApiCall) -> Answer:
    raise UnknownTarget(f"unknown x-sora-target {call.target!r}")


def _no_live_session(call: ApiCall) -> Answer:
    raise SessionNotFound(f"no live session for channel_id {call.body.get('channel_id')!r}")


def _stop_ignored(call: ApiCall) -> Answer | None:
    recording = call.state.recording(channel_id_of(call.body))
    return None if recording.legacy else (200, recording_answer(recording))


start_recording_unknown = _on(START, _unknown_target)
channel_id_optional = _on(START, lambda call: None if "channel_id" in call.body else (200, {}))
stop_recording_ignored = _on(STOP, _stop_ignored)
get_session_unknown = _on(GET_SESSION, _no_live_session)
list_sessions_empty = _on(LIST_SESSIONS, lambda call: (200, []))


def _without_recording(session: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in session.items() if k != "recording"}


def sessions_without_recording(call: ApiCall, answer: Any) -> Any:
    """GetSession / ListSessions as if no recording were running."""
    if call.target == GET_SESSION:
        return _without_recording(answer)
    if call.target == LIST_SESSIONS:
        return [_without_recording(session) for session in answer]
    return answer


def without_error_type(status: int, body: dict[str, Any]) -> Answer:
    return status, {k: v for k, v in body.items() if k != "error_type"}


def as_server_error(status: int, body: dict[str, Any]) -> Answer:
    return 500, body
