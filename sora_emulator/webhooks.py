"""Webhook delivery and Sora-style webhook logs.

A receiver that is down, slow or answers non-2xx is written to the `*_error.jsonl` log and the emulator
carries on: no webhook may block signaling for longer than `webhook_timeout`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import aiohttp

from .ids import new_id

MAX_ANSWER = 1 << 20  # a webhook answer is a small JSON object; more than this is not read


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


async def post_json(session: aiohttp.ClientSession, url: str, payload: dict[str, Any], headers: dict[str, str],
                    timeout: float) -> Delivery:
    """POST of a JSON body; every way it can fail becomes a Delivery with an error, never an exception."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    try:
        async with session.post(url, data=body, headers={"content-type": "application/json", **headers},
                                timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            answer = await response.content.read(MAX_ANSWER)
            status = response.status
    except TimeoutError:
        return Delivery(False, None, None, f"no answer within {timeout} s")
    except aiohttp.ClientConnectorError as exc:
        return Delivery(False, None, None, f"cannot reach {url}: {exc.os_error.strerror or exc.os_error}")
    except (aiohttp.ClientError, ValueError) as exc:  # bad URL, dropped connection, malformed answer
        return Delivery(False, None, None, f"{type(exc).__name__}: {exc}")
    try:
        parsed = json.loads(answer) if answer.strip() else None
    except ValueError:
        parsed = None
    if not 200 <= status < 300:
        return Delivery(False, status, parsed, f"HTTP {status}")
    return Delivery(True, status, parsed)


class WebhookSender:
    def __init__(self, urls: dict[Hook, str | None], log: WebhookLog, timeout: float) -> None:
        self.urls = urls
        self.log = log
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

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
        if self._session is None:  # made on first use: a ClientSession belongs to the running loop
            # A fresh connection per webhook, as before: a pooled one the receiver already closed would fail a
            # POST, which aiohttp does not retry.
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
        delivery = await post_json(self._session, url, payload, headers, self.timeout)
        if not delivery.ok:
            self.log.write(hook, payload, error=delivery.error)
        return delivery
