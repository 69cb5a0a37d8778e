"""The target's HTTP API: one method per x-sora-target operation. Never asserts: returns or raises."""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import urllib3

from ..scrub import scrub
from .verdict import HarnessError


@dataclass
class Exchange:
    """One API call, kept as evidence. What the target answered may echo what it was sent (headers, metadata):
    it is scrubbed when the exchange is made, so its evidence, its repr (pytest -l prints the locals of a
    failing test), a TargetError's message and every check see only the scrubbed answer."""

    target: str
    request: dict[str, Any]
    status: int
    response: Any
    elapsed: float

    def __post_init__(self) -> None:
        self.response = scrub(self.response)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def as_evidence(self) -> dict[str, Any]:
        return {"x-sora-target": self.target, "request": self.request, "status": self.status,
                "response": self.response, "elapsed_s": round(self.elapsed, 4)}


class TargetError(Exception):
    """The target refused the call (non-2xx)."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self.status = exchange.status
        body = exchange.response
        self.error_type = body.get("error_type") if isinstance(body, dict) else None
        super().__init__(f"{exchange.target} answered {exchange.status}: {body!r}")


class SoraApi:
    def __init__(self, url: str, headers: dict[str, str] | None = None, timeout: float = 10.0,
                 on_exchange: Callable[[Exchange], None] | None = None) -> None:
        self.url = url
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.on_exchange = on_exchange
        # redirects are answers like any other (a 3xx is not a 2xx), never followed; no retries: a call is one
        # request, so what the target did with it is what the exchange shows
        self._pool = urllib3.PoolManager(maxsize=10, retries=False,
                                         timeout=urllib3.Timeout(connect=timeout, read=timeout))

    def call(self, target: str, body: Any) -> Exchange:
        """Any call, successful or not; raises HarnessError only when the target cannot be reached."""
        started = time.monotonic()
        try:
            answer = self._pool.request("POST", self.url, json=body, headers=self.headers | {"x-sora-target": target})
        except urllib3.exceptions.HTTPError as exc:
            raise HarnessError(f"cannot reach the Sora API at {self.url}: {exc}") from None
        try:
            parsed: Any = json.loads(answer.data)
        except (ValueError, RecursionError):
            parsed = answer.data.decode("utf-8", "replace")
        exchange = Exchange(target, body, answer.status, parsed, time.monotonic() - started)  # scrubs it
        if self.on_exchange is not None:
            self.on_exchange(exchange)
        return exchange

    def _ok(self, target: str, body: Any) -> Any:
        exchange = self.call(target, body)
        if not exchange.ok:
            raise TargetError(exchange)
        return exchange.response

    def start_recording(self, channel_id: str, **params: Any) -> Any:
        return self._ok("Sora_20231220.StartRecording", {"channel_id": channel_id} | params)

    def stop_recording(self, channel_id: str) -> Any:
        return self._ok("Sora_20231220.StopRecording", {"channel_id": channel_id})

    def get_session(self, channel_id: str, session_id: str | None = None) -> Any:
        body = {"channel_id": channel_id} | ({"session_id": session_id} if session_id else {})
        return self._ok("Sora_20231220.GetSession", body)

    def list_sessions(self) -> Any:
        return self._ok("Sora_20231220.ListSessions", {})

    def terminate_session(self, channel_id: str, session_id: str | None = None) -> Any:
        body = {"channel_id": channel_id} | ({"session_id": session_id} if session_id else {})
        return self._ok("Sora_20230628.TerminateSession", body)

    def disconnect_channel(self, channel_id: str) -> Any:
        return self._ok("Sora_20151104.DisconnectChannel", {"channel_id": channel_id})

    def disconnect_connection(self, channel_id: str, connection_id: str) -> Any:
        return self._ok("Sora_20151104.DisconnectConnection", {"channel_id": channel_id, "connection_id": connection_id})

    def legacy_start_recording(self, channel_id: str, **params: Any) -> Any:
        return self._ok("Sora_20161101.StartRecording", {"channel_id": channel_id} | params)

    def legacy_stop_recording(self, channel_id: str) -> Any:
        return self._ok("Sora_20161101.StopRecording", {"channel_id": channel_id})

    def reachable(self) -> None:
        """Fails fast, with one line, when nothing answers at the API URL."""
        self.call("Sora_20231220.ListSessions", {})
