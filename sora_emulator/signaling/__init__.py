"""WebSocket signaling and aiortc peers of the emulator."""
from .server import SignalingServer

__all__ = ["SignalingServer"]
