"""Signaling messages from clients, parsed strictly: what the emulator cannot use is a `BadMessage`.

A `BadMessage` is the client's fault, never ours: the server closes the socket with `CLOSE_CODE` and the
message as reason, and logs one line. The texts name the problem and never echo what the client sent.
"""
from __future__ import annotations

import json
from typing import Any

from ..hooks import ConnectRequest

ROLES = ("sendrecv", "sendonly", "recvonly")
CLOSE_CODE = 4400  # Sora-like: a 4xxx application code in the 400 range for a client's bad request


class BadMessage(Exception):
    """A message the emulator cannot use; its text is the WebSocket close reason (ASCII, <= 120 bytes)."""


def parse_message(raw: str | bytes) -> dict[str, Any]:
    """One message as a JSON object."""
    try:
        message = json.loads(raw)
    except RecursionError:
        raise BadMessage("message is nested too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise BadMessage("message is not JSON") from None
    if not isinstance(message, dict):
        raise BadMessage("message must be a JSON object")
    return message


def text_field(message: dict[str, Any], name: str) -> str:
    value = message.get(name)
    if not isinstance(value, str):
        raise BadMessage(f"{name} must be a string")
    return value


def parse_connect(raw: str | bytes, connection_id: str) -> ConnectRequest:
    message = parse_message(raw)
    if message.get("type") != "connect":
        raise BadMessage('first message must be {"type": "connect", ...}')
    role = message.get("role")
    if role not in ROLES:
        raise BadMessage(f"role must be one of {', '.join(ROLES)}")
    channel_id = message.get("channel_id")
    if not isinstance(channel_id, str) or not channel_id or len(channel_id.encode()) > 255:
        raise BadMessage("channel_id must be a non-empty string of at most 255 bytes")
    return ConnectRequest(
        connection_id=connection_id,
        channel_id=channel_id,
        role=role,
        client_id=message.get("client_id") if isinstance(message.get("client_id"), str) else None,
        bundle_id=message.get("bundle_id") if isinstance(message.get("bundle_id"), str) else None,
        metadata=message.get("metadata"),
        audio=message.get("audio", True),
        video=message.get("video", True),
        multistream=bool(message.get("multistream", True)),
        simulcast=bool(message.get("simulcast", False)),
        spotlight=bool(message.get("spotlight", False)),
        raw=message,
    )
