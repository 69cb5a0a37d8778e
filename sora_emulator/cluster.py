"""Several emulator nodes sharing one state, like a Sora cluster: an API and a signaling port per node.

Each node's signaling tells the core which node a connection is on (webhooks carry that node's node_name);
each node's API answers for every session of the cluster, as Sora's cluster lets StartRecording / StopRecording
go to any node (API_RECORDING).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from .hooks import ConnectDecision, ConnectionHooks, ConnectRequest, SignalingControl
from .payloads import NODE_NAME as SINGLE_NODE_NAME


def node_names(count: int) -> list[str]:
    """One name per node, like Sora's `sora@host`; a single emulator keeps its usual name."""
    return [SINGLE_NODE_NAME] if count <= 1 else [f"emulator{i}@127.0.0.1" for i in range(1, count + 1)]


class NodeAware(ConnectionHooks, Protocol):
    node_of: dict[str, str]  # connection_id -> node_name


class NodeHooks:
    """One node's signaling view of the shared core: notes the node of each connection it admits."""

    def __init__(self, core: NodeAware, node_name: str) -> None:
        self.core = core
        self.node_name = node_name

    async def on_connect(self, request: ConnectRequest) -> ConnectDecision:
        self.core.node_of[request.connection_id] = self.node_name
        decision = await self.core.on_connect(request)
        if not decision.allowed:
            self.core.node_of.pop(request.connection_id, None)
        return decision

    async def on_connected(self, connection_id: str) -> None:
        await self.core.on_connected(connection_id)

    async def on_disconnected(self, connection_id: str, reason: str) -> None:
        try:
            await self.core.on_disconnected(connection_id, reason)
        finally:
            self.core.node_of.pop(connection_id, None)


class ClusterSignaling:
    """The core's SignalingControl over every node's signaling server."""

    def __init__(self, servers: Sequence[SignalingControl]) -> None:
        self.servers = list(servers)

    async def disconnect(self, connection_id: str, reason: str) -> bool:
        for server in self.servers:
            if await server.disconnect(connection_id, reason):
                return True
        return False

    def connection_ids(self, channel_id: str) -> list[str]:
        return [cid for server in self.servers for cid in server.connection_ids(channel_id)]

    def media(self, connection_id: str) -> Any:
        return next((tap for server in self.servers if (tap := server.media(connection_id)) is not None), None)
