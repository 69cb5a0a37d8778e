"""The webhook capture server the target posts to (built on pytest-httpserver).

It records every request, answers per channel with what the scenario programmed, validates every payload
against the contract on arrival, and lets tests wait for a webhook with a deadline (no polling).
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

from ..contract.classify import classify, has_session_id
from ..contract.validator import Violation, level_for, validate
from .relay import relay
from .webhook_server import ENDPOINTS, WebhookServer

DEFAULT_ANSWERS = {"session": {}, "event": {}, "auth": {"allowed": True}}
TAG_KEY = "conformance_tag"  # put in connect metadata so auth answers can target one client


@dataclass
class Captured:
    seq: int
    endpoint: str
    headers: dict[str, str]
    raw: bytes
    payload: Any
    arrived: float  # time.monotonic()
    channel_id: str | None
    type: str | None
    answer: Any = None
    schema: str | None = None
    violations: list[Violation] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        """The recording/archive details, wherever the target put them (top level or `data`)."""
        if not isinstance(self.payload, dict):
            return {}
        inner = self.payload.get("data")
        return self.payload | inner if isinstance(inner, dict) else dict(self.payload)

    def as_evidence(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "headers": self.headers, "body": self.payload
                if self.payload is not None else self.raw.decode("utf-8", "replace"), "our_answer": self.answer,
                "schema": self.schema, "violations": [v.as_dict() for v in self.violations]}


class WaitTimeout(AssertionError):
    pass


def channel_of(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    channel = payload.get("channel_id")
    if channel is None and isinstance(payload.get("data"), dict):
        channel = payload["data"].get("channel_id")
    return channel if isinstance(channel, str) else None


def endpoint_violations(endpoint: str, payload: dict[str, Any]) -> list[Violation]:
    """Rules about which webhook carries what (migration page), beyond any one schema."""
    kind = payload.get("type", "")
    found: list[tuple[str, str]] = []
    if kind in ("recording.started", "recording.report"):
        if endpoint == "event" and has_session_id(payload):
            found.append(("WH-REC-SESSION-WEBHOOK", f"session recording {kind} arrived on the event webhook"))
        if endpoint == "session" and not has_session_id(payload) and "log_written" in payload:
            found.append(("LEGACY-EVENT-WEBHOOK", f"legacy recording {kind} arrived on the session webhook"))
    if kind.startswith(("archive.", "split-archive.")) and endpoint == "session":
        found.append(("WH-ARCHIVE-UNCHANGED", f"{kind} arrived on the session webhook"))
    return [Violation("endpoint", "", message, clause, "seed", level_for(clause, "seed")) for clause, message in found]


class CaptureServer(WebhookServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0, run_prefix: str = "",
                 forward_url: str | None = None) -> None:
        super().__init__(host, port, self._handle)
        self.run_prefix = run_prefix
        self.forward_url = forward_url
        self.records: list[Captured] = []
        self.malformed: list[Captured] = []
        self._by_channel: dict[str, list[Captured]] = {}
        self._answers: dict[tuple[str, str], Any] = {}
        self._seq = itertools.count(1)
        self._changed = threading.Condition()

    def url(self, endpoint: str) -> str:
        return self.server.url_for(f"/webhook/{endpoint}")

    # --- programming answers -------------------------------------------------------------------
    def answer(self, channel_id: str, key: str, body: Any) -> None:
        """`key`: session.created, or auth, or auth:<tag> for one tagged client."""
        with self._changed:
            self._answers[(channel_id, key)] = body

    def _answer_for(self, endpoint: str, channel: str | None, payload: Any) -> Any:
        if channel is None:
            return DEFAULT_ANSWERS[endpoint]
        if endpoint == "auth":
            metadata = payload.get("metadata") if isinstance(payload, dict) else None
            tag = metadata.get(TAG_KEY) if isinstance(metadata, dict) else None
            for key in ((channel, f"auth:{tag}"), (channel, "auth")):
                if key in self._answers:
                    return {"allowed": True} | self._answers[key]
            return DEFAULT_ANSWERS["auth"]
        kind = payload.get("type") if isinstance(payload, dict) else None
        return self._answers.get((channel, str(kind)), DEFAULT_ANSWERS[endpoint])

    # --- the handler (server thread) ---------------------------------------------------------------
    def _handle(self, request: Request) -> Response:
        endpoint = ENDPOINTS[request.path]
        raw = request.get_data()
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = None
        channel = channel_of(payload)
        if channel is not None and not channel.startswith(self.run_prefix) and self.forward_url:
            return self._forward(request, raw)
        record = Captured(next(self._seq), endpoint, dict(request.headers), raw, payload, time.monotonic(),
                          channel, payload.get("type") if isinstance(payload, dict) else None)
        if isinstance(payload, dict):
            record.schema = classify(payload, endpoint)
            if record.schema is not None:
                record.violations = validate(payload, record.schema)
            record.violations += endpoint_violations(endpoint, payload)
        with self._changed:
            record.answer = self._answer_for(endpoint, channel, payload)
            self.records.append(record)
            if channel is None:
                self.malformed.append(record)
            else:
                self._by_channel.setdefault(channel, []).append(record)
            self._changed.notify_all()
        if payload is None:
            return Response(json.dumps({"error": "body is not JSON"}), status=400, content_type="application/json")
        return Response(json.dumps(record.answer), status=200, content_type="application/json")

    def _forward(self, request: Request, raw: bytes) -> Response:
        """Other channels belong to the operator's backend: relay and return its answer unchanged."""
        path = request.path.rsplit("/", 1)[-1]
        return relay(request, raw, (self.forward_url or "").replace("{endpoint}", path))

    # --- queries and waits (test thread) -----------------------------------------------------------
    def for_channel(self, channel_id: str) -> list[Captured]:
        with self._changed:
            return list(self._by_channel.get(channel_id, []))

    def find(self, kind: str, channel_id: str, endpoint: str | None = None, after: int = 0,
             match: Callable[[Captured], bool] | None = None) -> list[Captured]:
        return [r for r in self.for_channel(channel_id) if r.seq > after and r.type == kind
                and (endpoint is None or r.endpoint == endpoint) and (match is None or match(r))]

    def wait_for(self, kind: str, channel_id: str, *, clause: str, timeout: float, endpoint: str | None = None,
                 after: int = 0, match: Callable[[Captured], bool] | None = None) -> Captured:
        """The first matching webhook (already here, or the next to arrive); WaitTimeout names what was awaited."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.find_locked(kind, channel_id, endpoint, after, match)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    where = f" on the {endpoint} webhook" if endpoint else ""
                    raise WaitTimeout(f"[{clause}] no {kind}{where} for channel {channel_id} within {timeout:.1f} s")
                self._changed.wait(left)

    def find_locked(self, kind: str, channel_id: str, endpoint: str | None, after: int,
                    match: Callable[[Captured], bool] | None) -> Captured | None:
        for record in self._by_channel.get(channel_id, []):
            if record.seq > after and record.type == kind and (endpoint is None or record.endpoint == endpoint) \
                    and (match is None or match(record)):
                return record
        return None

    def none_within(self, kind: str, channel_id: str, *, within: float, after: int = 0,
                    match: Callable[[Captured], bool] | None = None) -> Captured | None:
        """Waits up to `within` for a webhook that must not come; returns it if it did, else None."""
        deadline = time.monotonic() + within
        with self._changed:
            while True:
                found = self.find_locked(kind, channel_id, None, after, match)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)

    def last_seq(self) -> int:
        with self._changed:
            return self.records[-1].seq if self.records else 0
