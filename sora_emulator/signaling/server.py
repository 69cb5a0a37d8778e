"""WebSocket signaling compatible with sora-sdk: connect -> offer -> answer/candidates -> notify.

Signaling owns sockets and aiortc peers only; what a connection means (auth, sessions, recording) is
asked of `ConnectionHooks`.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from ..hooks import ConnectDecision, ConnectionHooks, ConnectRequest
from ..ids import new_id
from .messages import CLOSE_CODE, ROLES, BadMessage, parse_connect, parse_message, text_field
from .peer import Peer

log = logging.getLogger("sora_emulator.signaling")

PATH = "/signaling"


@dataclass
class Link:
    """One signaling connection: its socket, its peer and what the client asked for."""

    connection_id: str
    request: ConnectRequest
    socket: ServerConnection
    decision: ConnectDecision
    peer: Peer | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    close_reason: str | None = None


class SignalingServer:
    """Serves `ws://host:port/signaling`; implements `SignalingControl` for the core."""

    def __init__(self, host: str, port: int, hooks: ConnectionHooks, *, config: Any = None) -> None:
        self._host = host
        self._port = port
        self._hooks = hooks
        self._ping_interval = float(getattr(config, "ping_interval", 5.0) or 5.0)
        self._server: Server | None = None
        self._links: dict[str, Link] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # --- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> int:
        self._server = await serve(
            self._handle, self._host, self._port, process_request=self._check_path, max_size=2**20
        )
        sock = next(iter(self._server.sockets))
        return int(sock.getsockname()[1])

    async def stop(self) -> None:
        for link in list(self._links.values()):
            await self.disconnect(link.connection_id, "SHUTDOWN")
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    @staticmethod
    def _check_path(connection: ServerConnection, request: Request) -> Response | None:
        if request.path.split("?", 1)[0] != PATH:
            return connection.respond(404, f"signaling lives at {PATH}\n")
        return None

    # --- SignalingControl ----------------------------------------------------------------------
    async def disconnect(self, connection_id: str, reason: str) -> bool:
        link = self._links.get(connection_id)
        if link is None:
            return False
        link.close_reason = reason
        # Close the socket with the reason first: the SDK reports it only if it arrives before the peer goes.
        with contextlib.suppress(Exception):
            await link.socket.close(1000, reason)
        return True

    def connection_ids(self, channel_id: str) -> list[str]:
        return [cid for cid, link in self._links.items() if link.request.channel_id == channel_id]

    def media(self, connection_id: str) -> Any:
        """The connection's MediaTap (None once it is gone, or before its peer exists)."""
        link = self._links.get(connection_id)
        return link.peer.media if link is not None and link.peer is not None else None

    def channel_links(self, channel_id: str) -> list[Link]:
        return [link for link in self._links.values() if link.request.channel_id == channel_id]

    # --- one socket ---------------------------------------------------------------------------
    async def _handle(self, socket: ServerConnection) -> None:
        connection_id = new_id()
        try:
            first = await asyncio.wait_for(socket.recv(), timeout=30)
            request = parse_connect(first, connection_id)
        except BadMessage as exc:
            await self._refuse(socket, connection_id, exc)
            return
        except (ConnectionClosed, asyncio.TimeoutError):
            return  # the SDK opens sockets to every URL and closes the losers without a word
        try:
            decision = await self._hooks.on_connect(request)
        except Exception as exc:  # a core bug must not take the server down
            log.exception("on_connect failed for %s", connection_id)
            await socket.close(4500, f"INTERNAL-ERROR: {type(exc).__name__}"[:120])
            return
        if not decision.allowed:
            await socket.close(4401, (decision.reason or "AUTH-WEBHOOK-REJECTED")[:120])
            return
        link = Link(connection_id, request, socket, decision)
        self._links[connection_id] = link
        reason = "WEBSOCKET-CLOSED"
        try:
            reason = await self._run(link)
        finally:
            self._links.pop(connection_id, None)
            if link.peer is not None:
                await link.peer.close()
            with contextlib.suppress(Exception):
                await self._hooks.on_disconnected(connection_id, link.close_reason or reason)
            if link.connected.is_set():
                await self._broadcast_notify(link, "connection.destroyed")

    async def _run(self, link: Link) -> str:
        link.peer = Peer(link.request.role, on_connected=lambda: self._spawn(self._on_pc_connected(link)),
                         host=self._host)
        pinger: asyncio.Task[None] | None = None
        try:
            sdp = await link.peer.create_offer()
            await link.socket.send(json.dumps(self._offer(link, sdp)))
            pinger = self._spawn(self._ping_loop(link))
            async for raw in link.socket:
                message = parse_message(raw)
                kind = message.get("type")
                if kind == "answer":
                    await link.peer.set_answer(text_field(message, "sdp"))
                elif kind == "candidate":
                    await link.peer.add_candidate(text_field(message, "candidate"))
                elif kind == "disconnect":
                    link.close_reason = "TYPE-DISCONNECT"
                    await link.peer.close()
                    await link.socket.close(1000, "TYPE-DISCONNECT")
                    return "TYPE-DISCONNECT"
                # pong, stats and anything else need no answer
        except BadMessage as exc:
            link.close_reason = "SIGNALING-ERROR"
            await self._refuse(link.socket, link.connection_id, exc)
        except ConnectionClosed:
            pass  # a client that leaves, even mid-offer, is no error
        finally:
            if pinger is not None:
                pinger.cancel()
        return link.close_reason or "WEBSOCKET-CLOSED"

    @staticmethod
    async def _refuse(socket: ServerConnection, connection_id: str, exc: BadMessage) -> None:
        log.warning("signaling %s closed with %d: %s", connection_id, CLOSE_CODE, exc)
        await socket.close(CLOSE_CODE, str(exc)[:120])

    def _offer(self, link: Link, sdp: str) -> dict[str, Any]:
        request, decision = link.request, link.decision
        client_id = decision.client_id or request.client_id or link.connection_id
        offer: dict[str, Any] = {
            "type": "offer",
            "sdp": sdp,
            "version": "2025.2.0",
            "simulcast": False,
            "simulcast_multicodec": False,
            "spotlight": False,
            "multistream": True,
            "channel_id": request.channel_id,
            "session_id": decision.session_id,
            "client_id": client_id,
            "bundle_id": decision.bundle_id or request.bundle_id or client_id,
            "connection_id": link.connection_id,
            "config": {"iceServers": [], "iceTransportPolicy": "all"},
            "mid": link.peer.mids() if link.peer else {},
            "data_channel_signaling": False,
            "ignore_disconnect_websocket": False,
        }
        if decision.offer_metadata is not None:
            offer["metadata"] = decision.offer_metadata
        return offer

    async def _on_pc_connected(self, link: Link) -> None:
        if link.connected.is_set() or link.connection_id not in self._links:
            return
        link.connected.set()
        try:
            await self._hooks.on_connected(link.connection_id)
        except Exception:
            log.exception("on_connected failed for %s", link.connection_id)
        await self._broadcast_notify(link, "connection.created")

    async def _broadcast_notify(self, subject: Link, event_type: str) -> None:
        channel = subject.request.channel_id
        others = [l for l in self.channel_links(channel) if l.connected.is_set()]
        counts = {role: sum(1 for l in others if l.request.role == role) for role in ROLES}
        notify: dict[str, Any] = {
            "type": "notify",
            "event_type": event_type,
            "role": subject.request.role,
            "session_id": subject.decision.session_id,
            "client_id": subject.decision.client_id or subject.request.client_id or subject.connection_id,
            "bundle_id": subject.decision.bundle_id or subject.request.bundle_id or subject.connection_id,
            "connection_id": subject.connection_id,
            "audio": subject.request.audio is not False,
            "video": subject.request.video is not False,
            "minutes": 0,
            "channel_connections": len(others),
            "channel_sendrecv_connections": counts["sendrecv"],
            "channel_sendonly_connections": counts["sendonly"],
            "channel_recvonly_connections": counts["recvonly"],
            "turn_transport_type": "udp",
        }
        if event_type == "connection.created":
            notify["data"] = [
                {"connection_id": l.connection_id, "role": l.request.role, "client_id": l.request.client_id}
                for l in others
            ]
        text = json.dumps(notify)
        for link in others:
            with contextlib.suppress(ConnectionClosed):
                await link.socket.send(text)

    async def _ping_loop(self, link: Link) -> None:
        while True:
            # A paced keep-alive, not a wait for an event: Sora pings its clients periodically.
            await asyncio.sleep(self._ping_interval)  # sleep-ok: periodic ping like real Sora
            with contextlib.suppress(ConnectionClosed):
                await link.socket.send('{"type":"ping","stats":false}')

    def _spawn(self, coro: Any) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

