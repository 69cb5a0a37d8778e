"""The webhook capture server the target posts to.

It records this run's webhooks, answers per channel with what the scenario programmed, validates every payload
against the contract on arrival, and lets tests wait for a webhook with a deadline (no polling). Other channels
get the policy of `exposure.py` and are kept only as a bounded trace.
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response
from werkzeug.exceptions import RequestEntityTooLarge

from ..contract.classify import classify, has_session_id
from ..contract.validator import Violation, level_for, validate
from ..scrub import scrub, scrub_text
from .bounded_server import DEFAULT_MAX_CONNECTIONS
from .exposure import foreign_answer
from .relay import relay
from .webhook_body import NotAWebhook, parse_webhook
from .webhook_server import DEFAULT_MAX_BODY, ENDPOINTS, WebhookServer, json_response

DEFAULT_ANSWERS = {"session": {}, "event": {}, "auth": {"allowed": True}}  # for this run's channels
KEPT_OUTSIDE_RUN = 100  # other channels' and malformed requests: the latest ones only, for a bounded memory
KEPT_BYTES = 4096  # of each such body
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
    problem: str | None = None  # why it is not a webhook (answered 400 or 413)
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
                "schema": self.schema, "violations": [v.as_dict() for v in self.violations]} \
            | ({"problem": self.problem} if self.problem else {})


class WaitTimeout(AssertionError):
    pass


@dataclass(frozen=True)
class Wanted:
    """Which webhook a wait or a search is for."""

    kind: str
    endpoint: str | None = None
    after: int = 0  # only webhooks that arrived after this sequence number
    match: Callable[[Captured], bool] | None = None

    def matches(self, record: Captured) -> bool:
        return record.seq > self.after and record.type == self.kind \
            and (self.endpoint is None or record.endpoint == self.endpoint) \
            and (self.match is None or self.match(record))


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
    """This run's channels are recorded and answered as programmed; any other channel, or a body without one,
    is relayed to `forward_url` or answered by `foreign_answer` (auth denied unless `allow_foreign`)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, run_prefix: str = "",
                 forward_url: str | None = None, allow_foreign: bool = False,
                 max_body: int = DEFAULT_MAX_BODY, max_connections: int = DEFAULT_MAX_CONNECTIONS) -> None:
        super().__init__(host, port, self._handle, max_body, max_connections)
        self.run_prefix = run_prefix
        self.forward_url = forward_url
        self.allow_foreign = allow_foreign
        self.records: list[Captured] = []  # this run's webhooks
        self.malformed: deque[Captured] = deque(maxlen=KEPT_OUTSIDE_RUN)
        self.foreign: deque[Captured] = deque(maxlen=KEPT_OUTSIDE_RUN)
        self._by_channel: dict[str, list[Captured]] = {}
        self._answers: dict[tuple[str, str], Any] = {}
        self._seq = itertools.count(1)
        self._changed = threading.Condition()

    def url(self, endpoint: str) -> str:
        return self.url_for(f"/webhook/{endpoint}")

    # --- programming answers -------------------------------------------------------------------
    def answer(self, channel_id: str, key: str, body: Any) -> None:
        """`key`: session.created, or auth, or auth:<tag> for one tagged client."""
        with self._changed:
            self._answers[(channel_id, key)] = body

    def _answer_for(self, endpoint: str, channel: str, payload: dict[str, Any]) -> Any:
        if endpoint == "auth":
            metadata = payload.get("metadata")
            tag = metadata.get(TAG_KEY) if isinstance(metadata, dict) else None
            for key in ((channel, f"auth:{tag}"), (channel, "auth")):
                if key in self._answers:
                    return {"allowed": True} | self._answers[key]
            return DEFAULT_ANSWERS["auth"]
        return self._answers.get((channel, str(payload.get("type"))), DEFAULT_ANSWERS[endpoint])

    # --- the handler (server thread) ---------------------------------------------------------------
    def _handle(self, request: Request) -> Response:
        endpoint = ENDPOINTS[request.path]
        try:
            raw = self.read_body(request)
        except RequestEntityTooLarge:
            self._keep(self.malformed, self._record(request, b"", None, f"body larger than {self.max_body} bytes"))
            raise
        try:
            payload = parse_webhook(raw)
        except NotAWebhook as exc:
            self._keep(self.malformed, self._record(request, raw[:KEPT_BYTES], None, str(exc)))
            return json_response({"error": str(exc)}, 400)
        channel = channel_of(payload)
        if channel is None or not channel.startswith(self.run_prefix):
            return self._outside_run(request, raw, payload)
        record = self._record(request, raw, payload)
        record.schema = classify(record.payload, endpoint)
        if record.schema is not None:
            record.violations = validate(record.payload, record.schema)
        record.violations += endpoint_violations(endpoint, payload)
        with self._changed:
            record.answer = self._answer_for(endpoint, channel, payload)
            self.records.append(record)
            self._by_channel.setdefault(channel, []).append(record)
            self._changed.notify_all()
        return json_response(record.answer)

    def _outside_run(self, request: Request, raw: bytes, payload: dict[str, Any]) -> Response:
        """Other channels belong to the operator: relayed unchanged, else answered by the policy and kept
        (bounded, unvalidated, body cut short) only as a trace."""
        if self.forward_url:
            return relay(request, raw, self.forward_url.replace("{endpoint}", ENDPOINTS[request.path]))
        record = self._record(request, raw[:KEPT_BYTES], None)
        record.channel_id, record.type = channel_of(payload), payload.get("type")
        record.answer = foreign_answer(ENDPOINTS[request.path], self.allow_foreign)
        self._keep(self.foreign, record)
        return json_response(record.answer)

    def _record(self, request: Request, raw: bytes, payload: dict[str, Any] | None,
                problem: str | None = None) -> Captured:
        """Kept scrubbed from the start: a webhook may carry what the target was sent (the connect metadata
        with its access_token, echoed headers), and nothing here needs a secret's value."""
        text = raw.decode("utf-8", "replace")
        scrubbed = scrub_text(text)
        kept = raw if scrubbed == text else scrubbed.encode()  # the bytes as they came, unless they held a secret
        return Captured(next(self._seq), ENDPOINTS[request.path], scrub(dict(request.headers)), kept, scrub(payload),
                        time.monotonic(), channel_of(payload), payload.get("type") if payload else None,
                        problem=None if problem is None else scrub_text(problem))

    def _keep(self, kept: deque[Captured], record: Captured) -> None:
        with self._changed:
            kept.append(record)

    # --- queries and waits (test thread) -----------------------------------------------------------
    def for_channel(self, channel_id: str) -> list[Captured]:
        with self._changed:
            return list(self._by_channel.get(channel_id, []))

    def find(self, kind: str, channel_id: str, endpoint: str | None = None, after: int = 0,
             match: Callable[[Captured], bool] | None = None) -> list[Captured]:
        wanted = Wanted(kind, endpoint, after, match)
        return [r for r in self.for_channel(channel_id) if wanted.matches(r)]

    def wait_for(self, kind: str, channel_id: str, *, clause: str, timeout: float, endpoint: str | None = None,
                 after: int = 0, match: Callable[[Captured], bool] | None = None) -> Captured:
        """The first matching webhook (already here, or the next to arrive); WaitTimeout names what was awaited."""
        found = self._first(channel_id, Wanted(kind, endpoint, after, match), timeout)
        if found is None:
            where = f" on the {endpoint} webhook" if endpoint else ""
            raise WaitTimeout(f"[{clause}] no {kind}{where} for channel {channel_id} within {timeout:.1f} s")
        return found

    def none_within(self, kind: str, channel_id: str, *, within: float, after: int = 0,
                    match: Callable[[Captured], bool] | None = None) -> Captured | None:
        """Waits up to `within` for a webhook that must not come; returns it if it did, else None."""
        return self._first(channel_id, Wanted(kind, None, after, match), within)

    def _first(self, channel_id: str, wanted: Wanted, within: float) -> Captured | None:
        """The one wait: the first wanted webhook already here or arriving within `within` seconds, else None."""
        deadline = time.monotonic() + within
        with self._changed:
            while True:
                found = next((r for r in self._by_channel.get(channel_id, []) if wanted.matches(r)), None)
                left = deadline - time.monotonic()
                if found is not None or left <= 0:
                    return found
                self._changed.wait(left)

    def last_seq(self) -> int:
        with self._changed:
            return self.records[-1].seq if self.records else 0
