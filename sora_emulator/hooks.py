"""The seam between signaling (WebSocket + aiortc) and the rest of the emulator.

Signaling knows nothing about sessions, recordings or webhooks: it asks `ConnectionHooks` what to do
and reports what happened. The core (state, webhooks, recorder) knows nothing about WebSockets or
peers: it acts on connections through `SignalingControl`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ConnectRequest:
    """A client's `connect` message, as signaling parsed it."""

    connection_id: str  # issued by signaling (Base32 UUIDv4, 26 chars) before the hooks are asked
    channel_id: str
    role: str  # "sendrecv" | "sendonly" | "recvonly"
    client_id: str | None
    bundle_id: str | None
    metadata: Any  # the connect message's metadata, passed to the auth webhook
    audio: Any  # bool or object, as sent
    video: Any
    multistream: bool
    simulcast: bool
    spotlight: bool
    raw: dict[str, Any] = field(default_factory=dict)  # the whole connect message


@dataclass(frozen=True)
class ConnectDecision:
    """What the core decided about a connect request."""

    allowed: bool
    reason: str | None = None  # close reason when refused (e.g. the auth webhook's reason)
    session_id: str | None = None  # the channel's session, created for this connection if it was the first
    client_id: str | None = None
    bundle_id: str | None = None
    offer_metadata: Any = None  # `metadata` for the offer (from the auth webhook answer), None = leave out


class ConnectionHooks(Protocol):
    """Implemented by the core; called by signaling, always on the emulator's event loop."""

    async def on_connect(self, request: ConnectRequest) -> ConnectDecision:
        """Auth webhook, then session creation (session.created webhook awaited) when this is the first
        connection of the channel. Called before the offer is sent."""

    async def on_connected(self, connection_id: str) -> None:
        """The peer connection is up: connection.created event webhook, archive start when recording."""

    async def on_disconnected(self, connection_id: str, reason: str) -> None:
        """The connection is gone (client disconnect, kick, failure); called exactly once per connection
        that `on_connect` allowed, even when `on_connected` never ran."""


class SignalingControl(Protocol):
    """Implemented by signaling; called by the core (API handlers, timers)."""

    async def disconnect(self, connection_id: str, reason: str) -> bool:
        """Close one connection with WebSocket code 1000 and `reason` (e.g. "DISCONNECTED-API").
        Returns False when the connection is unknown. `on_disconnected` follows."""

    def connection_ids(self, channel_id: str) -> list[str]:
        """Live connection ids of a channel, in connect order."""

    def media(self, connection_id: str) -> Any:
        """The connection's received media (`media.tap.MediaTap`), or None when it has none (gone)."""
