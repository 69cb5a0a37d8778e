"""Thin adapters: read the body, call the core, shape the answer."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .. import payloads
from ..app import EmulatorApp
from ..cluster import SINGLE_NODE_NAME
from ..errors import ConnectionNotFound, InvalidParameter, LegacyRecordingDisabled, NotRecording, SessionNotFound
from ..faults import Faults, UnknownFault
from ..params import UNSET, channel_id_of, legacy_recording_params, session_recording_params
from ..state import Recording, Session


@dataclass
class Context:
    app: EmulatorApp
    node_name: str = SINGLE_NODE_NAME  # the cluster node whose API port took the call


Handler = Callable[[Context, dict[str, Any]], Awaitable[Any]]


def _recording_answer(rec: Recording) -> dict[str, Any]:
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


def _session_recording(rec: Recording) -> dict[str, Any]:
    """A recorded session's `recording`, as a ListSessions client types it (nkawa/SoraSessionManager)."""
    shown = {k: v for k, v in _recording_answer(rec).items() if k not in ("channel_id", "session_id", "created_at")}
    return shown | {"format": rec.params.format, "start_timestamp": payloads.timestamp(rec.created_at)}


def _session_answer(app: EmulatorApp, s: Session) -> dict[str, Any]:
    recording = app.state.recordings.get(s.channel_id)
    answer: dict[str, Any] = {
        "channel_id": s.channel_id, "session_id": s.session_id, "created_time": int(s.created_at),
        "created_timestamp": payloads.timestamp(s.created_at),
        "connections": [payloads.session_connection(c) for c in s.connections.values()],
    }
    if recording is not None and recording.session_id == s.session_id and not app.faults.on("session-hides-recording"):
        answer["recording"] = _session_recording(recording)
    if s.session_metadata is not UNSET:
        answer["session_metadata"] = s.session_metadata
    return answer


# --- session recording (Sora_20231220) --------------------------------------------------------------
async def start_recording(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    if "channel_id" not in body and app.faults.on("channel-id-optional"):
        return {}
    params = session_recording_params(body, app.config.recording_max_expire_time,
                                      app.config.recording_max_split_duration, app.faults)
    _on_this_node(ctx, params.channel_id)
    require = not app.faults.on("start-without-session")
    return _recording_answer(await app.start_recording(params, require_session=require))


async def stop_recording(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    channel_id = channel_id_of(body)
    recording = app.state.recording(channel_id)
    _on_this_node(ctx, channel_id)
    if recording.legacy:
        raise NotRecording(f"channel_id {channel_id!r} has a legacy recording: stop it with Sora_20161101")
    if app.faults.on("stop-recording-ignored"):
        return _recording_answer(recording)
    return _recording_answer(await app.stop_recording(channel_id))


def _on_this_node(ctx: Context, channel_id: str) -> None:
    """Any node's API acts on the cluster's sessions; the recording's webhooks then name this node."""
    app = ctx.app
    if app.faults.on("cluster-api-local-only") and app.config.cluster_nodes > 1:
        session = app.state.sessions.get(channel_id)
        if session is None or not any(app.node_of.get(cid) == ctx.node_name for cid in session.connections):
            raise SessionNotFound(f"no live session for channel_id {channel_id!r} on {ctx.node_name}")
    app.api_node[channel_id] = ctx.node_name


async def get_session(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    channel_id = channel_id_of(body)
    session_id = body.get("session_id")
    if session_id is not None and not isinstance(session_id, str):
        raise InvalidParameter("session_id must be a string")
    if app.faults.on("get-session-unknown"):
        raise SessionNotFound(f"no live session for channel_id {channel_id!r}")
    return _session_answer(app, app.state.session(channel_id, session_id))


async def list_sessions(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    if app.faults.on("list-sessions-empty"):
        return []
    return [_session_answer(app, s) for s in app.state.sessions.values()]


async def terminate_session(ctx: Context, body: dict[str, Any]) -> Any:
    channel_id = channel_id_of(body)
    session = await ctx.app.destroy_session(channel_id, body.get("session_id") or None)
    return {"session_id": session.session_id}


async def disconnect_channel(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    channel_id = channel_id_of(body)
    ids = app.signaling.connection_ids(channel_id) if app.signaling else []
    for cid in ids:
        await app.signaling.disconnect(cid, "DISCONNECTED-API")  # type: ignore[union-attr]
    return {}


async def disconnect_connection(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    channel_id_of(body)
    connection_id = body.get("connection_id")
    if not isinstance(connection_id, str):
        raise InvalidParameter("connection_id must be a string")
    if app.signaling is None or not await app.signaling.disconnect(connection_id, "DISCONNECTED-API"):
        raise ConnectionNotFound(f"no connection {connection_id!r}")
    return {}


# --- legacy recording (Sora_20161101), only with legacy_recording = true ---------------------------
def _legacy_allowed(app: EmulatorApp) -> None:
    if app.faults.on("legacy-api-disabled") or not (app.config.legacy_recording or app.faults.on("legacy-api-still-on")):
        raise LegacyRecordingDisabled("legacy recording is not enabled (legacy_recording = true)")


async def legacy_start_recording(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    _legacy_allowed(app)
    params = legacy_recording_params(body, app.config.recording_max_expire_time,
                                     app.config.recording_max_split_duration, app.faults)
    require = app.faults.on("legacy-start-needs-session")
    return _recording_answer(await app.start_recording(params, require_session=require))


async def legacy_stop_recording(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    _legacy_allowed(app)
    channel_id = channel_id_of(body)
    if not app.state.recording(channel_id).legacy:
        raise NotRecording(f"channel_id {channel_id!r} has a session recording: stop it with Sora_20231220")
    return _recording_answer(await app.stop_recording(channel_id))


async def legacy_get_started_recording(ctx: Context, body: dict[str, Any]) -> Any:
    _legacy_allowed(ctx.app)
    recording = ctx.app.state.recording(channel_id_of(body))
    return _recording_answer(recording)


async def legacy_list_started_recording(ctx: Context, body: dict[str, Any]) -> Any:
    _legacy_allowed(ctx.app)
    return [_recording_answer(r) for r in ctx.app.state.recordings.values() if r.legacy]


async def legacy_list_archiving(ctx: Context, body: dict[str, Any]) -> Any:
    _legacy_allowed(ctx.app)
    return [{"recording_id": r.recording_id, "channel_id": r.channel_id, "connection_id": cid}
            for r in ctx.app.state.recordings.values() if r.legacy for cid in r.archives]


# --- control plane (not Sora's): faults at run time, and what is alive (for leak checks) ---------------
async def control_stats(ctx: Context, body: dict[str, Any]) -> Any:
    """Counts of what is alive; {"settle": true} first lets background work in flight (webhooks) finish."""
    import asyncio

    if body.get("settle"):
        await ctx.app.settle()
    state = ctx.app.state
    return {"sessions": len(state.sessions), "connections": len(state.connections),
            "recordings": len(state.recordings), "background_tasks": ctx.app.background_work(),
            "asyncio_tasks": len(asyncio.all_tasks()) - 2}  # minus this request's task and its connection's

async def control_faults(ctx: Context, body: dict[str, Any]) -> Any:
    names = body.get("faults", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidParameter("faults must be a list of fault names")
    try:
        ctx.app.faults = Faults(names)
    except UnknownFault as exc:
        raise InvalidParameter(str(exc)) from None
    ctx.app.recorder.faults = ctx.app.faults
    return {"faults": sorted(ctx.app.faults.names)}
