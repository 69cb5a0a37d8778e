"""Webhook delivery and Sora-style webhook logs.

A receiver that is down, slow or answers non-2xx is written to the `*_error.jsonl` log and the emulator
carries on: no webhook may block signaling for longer than `webhook_timeout`.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .ids import new_id


class Hook(str, Enum):
    AUTH = "auth"
    SESSION = "session"
    EVENT = "event"


@dataclass(frozen=True)
class Delivery:
    ok: bool
    status: int | None
    body: Any  # parsed JSON answer, or None
    error: str | None = None


class WebhookLog:
    """Sora's log line format: {"id": <log line id>, "timestamp": <RFC 3339>, "req": <the webhook body>}.

    Error lines (`*_error.jsonl`) add `error` and, when an answer was the problem, `res` (the answer).
    """

    def __init__(self, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir = log_dir

    def write(self, hook: Hook, payload: dict[str, Any], error: str | None = None, answer: Any = None) -> None:
        name = f"{hook.value}_webhook{'_error' if error else ''}.jsonl"
        line: dict[str, Any] = {"id": new_id(), "timestamp": _log_timestamp(), "req": payload}
        if error is not None:
            line["error"] = error
        if answer is not None:
            line["res"] = answer
        with open(self.log_dir / name, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def _log_timestamp() -> str:
    """Microsecond RFC 3339 in UTC, as Sora writes it (2026-04-17T02:36:51.902750Z)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


async def post_json(url: str, payload: dict[str, Any], headers: dict[str, str], timeout: float) -> Delivery:
    """HTTP/1.1 POST of a JSON body over a fresh connection (http:// only: the receivers are local)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return Delivery(False, None, None, f"unsupported webhook URL {url!r} (http:// only)")
    body = json.dumps(payload, ensure_ascii=False).encode()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", "Content-Type: application/json",
            f"Content-Length: {len(body)}", "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
            try:
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
                await writer.drain()
                raw = await reader.read()
            finally:
                writer.close()
    except TimeoutError:
        return Delivery(False, None, None, f"no answer within {timeout} s")
    except OSError as exc:
        return Delivery(False, None, None, f"cannot reach {url}: {exc.strerror or exc}")
    head_text, _, answer = raw.partition(b"\r\n\r\n")
    try:
        status = int(head_text.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return Delivery(False, None, None, "malformed HTTP answer")
    if b"transfer-encoding: chunked" in head_text.lower():
        answer = _dechunk(answer)
    try:
        parsed = json.loads(answer) if answer.strip() else None
    except ValueError:
        parsed = None
    if not 200 <= status < 300:
        return Delivery(False, status, parsed, f"HTTP {status}")
    return Delivery(True, status, parsed)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2:]
    return out


class WebhookSender:
    def __init__(self, urls: dict[Hook, str | None], log: WebhookLog, timeout: float) -> None:
        self.urls = urls
        self.log = log
        self.timeout = timeout

    async def send(self, hook: Hook, payload: dict[str, Any], connection_id: str | None = None) -> Delivery:
        self.log.write(hook, payload)
        url = self.urls.get(hook)
        if not url:
            return Delivery(False, None, None, "no URL configured")  # Sora sends nothing without a URL
        headers = {}
        if hook is Hook.AUTH and connection_id:
            headers["sora-connection-id"] = connection_id
        elif hook is not Hook.AUTH:
            headers[f"sora-{hook.value}-webhook-type"] = str(payload.get("type", ""))
            if payload.get("session_id"):
                headers["sora-session-id"] = str(payload["session_id"])
        delivery = await post_json(url, payload, headers, self.timeout)
        if not delivery.ok:
            self.log.write(hook, payload, error=delivery.error)
        return delivery
