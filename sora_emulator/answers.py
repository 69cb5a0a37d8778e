"""Pure builders of the API answers about recordings and sessions (the API handlers and API faults both use
them, as the webhook builders of payloads.py)."""
from __future__ import annotations

from typing import Any

from . import payloads
from .params import UNSET
from .state import Recording, Session, State


def recording_answer(rec: Recording) -> dict[str, Any]:
    answer: dict[str, Any] = {"channel_id": rec.channel_id, "recording_id": rec.recording_id,
                              "split_only": rec.params.split_only, "created_at": int(rec.created_at)}
    if rec.session_id is not None:
        answer["session_id"] = rec.session_id
    if rec.params.split_duration is not None:
        answer["split_duration"] = rec.params.split_duration
    if rec.params.expire_time is not None:
        answer["expire_time"] = rec.params.expire_time
        if rec.expires_at is not None:
            answer["expired_at"] = int(rec.expires_at)
    return answer


def session_recording(rec: Recording) -> dict[str, Any]:
    """A recorded session's `recording`, as a ListSessions client types it (nkawa/SoraSessionManager)."""
    shown = {k: v for k, v in recording_answer(rec).items() if k not in ("channel_id", "session_id", "created_at")}
    return shown | {"format": rec.params.format, "start_timestamp": payloads.timestamp(rec.created_at)}


def session_answer(state: State, s: Session) -> dict[str, Any]:
    recording = state.recordings.get(s.channel_id)
    answer: dict[str, Any] = {
        "channel_id": s.channel_id, "session_id": s.session_id, "created_time": int(s.created_at),
        "created_timestamp": payloads.timestamp(s.created_at),
        "connections": [payloads.session_connection(c) for c in s.connections.values()],
    }
    if recording is not None and recording.session_id == s.session_id:
        answer["recording"] = session_recording(recording)
    if s.session_metadata is not UNSET:
        answer["session_metadata"] = s.session_metadata
    return answer
