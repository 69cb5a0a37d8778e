"""Thin adapters: read the body, call the core, shape the answer."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..app import EmulatorApp
from ..cluster import SINGLE_NODE_NAME
from ..errors import ConnectionNotFound, InvalidParameter, LegacyRecordingDisabled, NotRecording, SessionNotFound
from ..params import channel_id_of, legacy_recording_params, session_recording_params
from ..answers import recording_answer, session_answer


@dataclass
class Context:
    app: EmulatorApp
    node_name: str = SINGLE_NODE_NAME  # the cluster node whose API port took the call


Handler = Callable[[Context, dict[str, Any]], Awaitable[Any]]


# --- session recording (Sora_20231220) --------------------------------------------------------------
async def start_recording(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    params = session_recording_params(body, app.rules)
    _on_this_node(ctx, params.channel_id)
    require = app.recording_api.needs_session(params)
    return recording_answer(await app.start_recording(params, require_session=require))


async def stop_recording(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    channel_id = channel_id_of(body)
    recording = app.state.recording(channel_id)
    _on_this_node(ctx, channel_id)
    if recording.legacy:
        raise NotRecording(f"channel_id {channel_id!r} has a legacy recording: stop it with Sora_20161101")
    return recording_answer(await app.stop_recording(channel_id))


def _on_this_node(ctx: Context, channel_id: str) -> None:
    """Any node's API acts on the cluster's sessions; the recording's webhooks then name this node."""
    app = ctx.app
    session = app.state.sessions.get(channel_id)
    nodes = {app.node_of.get(cid, SINGLE_NODE_NAME) for cid in session.connections} if session else set()
    if not app.recording_api.acts_on(ctx.node_name, nodes):
        raise SessionNotFound(f"no live session for channel_id {channel_id!r} on {ctx.node_name}")
    app.api_node[channel_id] = ctx.node_name


async def get_session(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    channel_id = channel_id_of(body)
    session_id = body.get("session_id")
    if session_id is not None and not isinstance(session_id, str):
        raise InvalidParameter("session_id must be a string")
    return session_answer(app.state, app.state.session(channel_id, session_id))


async def list_sessions(ctx: Context, body: dict[str, Any]) -> Any:
    state = ctx.app.state
    return [session_answer(state, s) for s in state.sessions.values()]


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
    if not app.recording_api.legacy_enabled():
        raise LegacyRecordingDisabled("legacy recording is not enabled (legacy_recording = true)")


async def legacy_start_recording(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    _legacy_allowed(app)
    params = legacy_recording_params(body, app.rules)
    require = app.recording_api.needs_session(params)
    return recording_answer(await app.start_recording(params, require_session=require))


async def legacy_stop_recording(ctx: Context, body: dict[str, Any]) -> Any:
    app = ctx.app
    _legacy_allowed(app)
    channel_id = channel_id_of(body)
    if not app.state.recording(channel_id).legacy:
        raise NotRecording(f"channel_id {channel_id!r} has a session recording: stop it with Sora_20231220")
    return recording_answer(await app.stop_recording(channel_id))


async def legacy_get_started_recording(ctx: Context, body: dict[str, Any]) -> Any:
    _legacy_allowed(ctx.app)
    recording = ctx.app.state.recording(channel_id_of(body))
    return recording_answer(recording)


async def legacy_list_started_recording(ctx: Context, body: dict[str, Any]) -> Any:
    _legacy_allowed(ctx.app)
    return [recording_answer(r) for r in ctx.app.state.recordings.values() if r.legacy]


async def legacy_list_archiving(ctx: Context, body: dict[str, Any]) -> Any:
    _legacy_allowed(ctx.app)
    return [{"recording_id": r.recording_id, "channel_id": r.channel_id, "connection_id": cid}
            for r in ctx.app.state.recordings.values() if r.legacy for cid in r.archives]


# --- control plane (not Sora's): what is alive, for leak checks ---------------------------------------
async def control_stats(ctx: Context, body: dict[str, Any]) -> Any:
    """Counts of what is alive; {"settle": true} first lets background work in flight (webhooks) finish."""
    if body.get("settle"):
        await ctx.app.settle()
    state = ctx.app.state
    return {"sessions": len(state.sessions), "connections": len(state.connections),
            "recordings": len(state.recordings), "background_tasks": ctx.app.background_work(),
            "asyncio_tasks": len(asyncio.all_tasks()) - 2}  # minus this request's task and its connection's
