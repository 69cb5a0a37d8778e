"""The webhook capture server the target posts to.

It records this run's webhooks, answers per channel with what the scenario programmed, validates every payload
against the contract on arrival, and lets tests wait for a webhook with a deadline (no polling). Other channels
get the policy of `exposure.py` and are kept only as a bounded trace; what it keeps of this run is bounded too
(`run_memory.py`).
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from ..contract.classify import classify
from ..contract.validator import validate
from ..scrub import scrub, scrub_text
from .captured import Captured, Wanted, WaitTimeout, channel_of, endpoint_violations, owns_channel
from .exposure import foreign_answer
from .relay import FOREIGN_RELAYS, Relay
from .run_memory import DEFAULT_MAX_KEPT, RunMemory
from .verdict import HarnessError
from .webhook_body import NotAWebhook, footprint, parse_webhook
from .webhook_server import (DEFAULT_MAX_BODY, DEFAULT_MAX_CONNECTIONS, Answer, Incoming, WebhookServer,
                             json_answer)

__all__ = ["CaptureServer", "Captured", "Wanted", "WaitTimeout", "channel_of", "endpoint_violations", "TAG_KEY",
           "KEPT_OUTSIDE_RUN"]

DEFAULT_ANSWERS = {"session": {}, "event": {}, "auth": {"allowed": True}}  # for this run's channels
KEPT_OUTSIDE_RUN = 100  # other channels' and malformed requests: the latest ones only, for a bounded memory
KEPT_BYTES = 4096  # of each such body, and of its headers
TAG_KEY = "conformance_tag"  # put in connect metadata so auth answers can target one client


class CaptureServer(WebhookServer):
    """This run's channels are recorded and answered as programmed; any other channel, or a body without one,
    is relayed to `forward_url` or answered by `foreign_answer` (auth denied unless `allow_foreign`)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, run_prefix: str = "",
                 forward_url: str | None = None, allow_foreign: bool = False,
                 max_body: int = DEFAULT_MAX_BODY, max_connections: int = DEFAULT_MAX_CONNECTIONS,
                 max_kept: int = DEFAULT_MAX_KEPT) -> None:
        super().__init__(host, port, self._handle, max_body, max_connections)
        self.run_prefix = run_prefix
        self.forward_url = forward_url
        self.allow_foreign = allow_foreign
        self.records: list[Captured] = []  # this run's webhooks
        self.malformed: deque[Captured] = deque(maxlen=KEPT_OUTSIDE_RUN)
        self.foreign: deque[Captured] = deque(maxlen=KEPT_OUTSIDE_RUN)
        self.memory = RunMemory(max_kept)
        self.relay = Relay(FOREIGN_RELAYS)  # public: a test may shorten its deadline
        self._by_channel: dict[str, list[Captured]] = {}
        self._answers: dict[tuple[str, str], Any] = {}
        self._seq = itertools.count(1)
        self._changed = threading.Condition()

    def url(self, endpoint: str) -> str:
        return self.url_for(f"/webhook/{endpoint}")

    def stop(self) -> None:
        super().stop()
        self.relay.close()

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

    # --- the handler: parsed and judged on a processing thread; a foreign webhook relayed on the loop ---------
    async def _handle(self, incoming: Incoming) -> Answer:
        outcome = await self.offload(self._take, incoming)
        if isinstance(outcome, Answer):
            return outcome
        return await self.relay.post(outcome, incoming)

    def _take(self, incoming: Incoming) -> Answer | str:
        """The answer, or the URL to relay the webhook to."""
        try:
            payload = parse_webhook(incoming.body)
        except NotAWebhook as exc:
            self._keep(self.malformed, self._record(incoming, incoming.body[:KEPT_BYTES], None, str(exc)))
            return json_answer({"error": str(exc)}, 400)
        channel = channel_of(payload)
        if channel is None or not owns_channel(self.run_prefix, channel):
            return self._outside_run(incoming, payload)
        with self._changed:
            kept = self.memory.take(footprint(incoming.body, payload, incoming.headers), channel)
        if not kept:
            problem = self.memory.describe()
            self._keep(self.malformed, self._record(incoming, incoming.body[:KEPT_BYTES], None, problem))
            return json_answer({"error": problem}, 429)
        record = self._record(incoming, incoming.body, payload)
        record.schema = classify(record.payload, incoming.endpoint)
        if record.schema is not None:
            record.violations = validate(record.payload, record.schema)
        record.violations += endpoint_violations(incoming.endpoint, payload)
        with self._changed:
            record.seq = next(self._seq)  # numbered as appended: `last_seq()` and `after=` see arrival order
            record.answer = self._answer_for(incoming.endpoint, channel, payload)
            self.records.append(record)
            self._by_channel.setdefault(channel, []).append(record)
            self._changed.notify_all()
        return json_answer(record.answer)

    def _outside_run(self, incoming: Incoming, payload: dict[str, Any]) -> Answer | str:
        """Other channels belong to the operator: relayed unchanged, else answered by the policy and kept
        (bounded, unvalidated, body cut short) only as a trace."""
        if self.forward_url:
            return self.forward_url.replace("{endpoint}", incoming.endpoint)
        record = self._record(incoming, incoming.body[:KEPT_BYTES], None)
        record.channel_id, record.type = channel_of(payload), payload.get("type")
        record.answer = foreign_answer(incoming.endpoint, self.allow_foreign)
        self._keep(self.foreign, record)
        return json_answer(record.answer)

    def refused(self, incoming: Incoming, problem: str) -> None:
        self._keep(self.malformed, self._record(incoming, b"", None, problem))

    def _record(self, incoming: Incoming, raw: bytes, payload: dict[str, Any] | None,
                problem: str | None = None) -> Captured:
        """Kept scrubbed from the start: a webhook may carry what the target was sent (the connect metadata
        with its access_token, echoed headers), and nothing here needs a secret's value. Only this run's
        webhooks keep every header; a trace keeps the first KEPT_BYTES of them."""
        text = raw.decode("utf-8", "replace")
        scrubbed = scrub_text(text)
        kept = raw if scrubbed == text else scrubbed.encode()  # the bytes as they came, unless they held a secret
        headers = incoming.headers if payload is not None else _first_headers(incoming.headers, KEPT_BYTES)
        return Captured(next(self._seq), incoming.endpoint, scrub(headers), kept, scrub(payload),
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
            missing = f"[{clause}] no {kind}{where} for channel {channel_id} within {timeout:.1f} s"
            self._judgeable(channel_id, missing)
            raise WaitTimeout(missing)
        return found

    def none_within(self, kind: str, channel_id: str, *, within: float, after: int = 0,
                    match: Callable[[Captured], bool] | None = None) -> Captured | None:
        """Waits up to `within` for a webhook that must not come; returns it if it did, else None."""
        found = self._first(channel_id, Wanted(kind, None, after, match), within)
        if found is None:
            self._judgeable(channel_id, f"no {kind} for channel {channel_id} within {within:.1f} s")
        return found

    def _judgeable(self, channel_id: str, what: str) -> None:
        """A wait that saw nothing judges nothing when a webhook of its channel was refused over the bound."""
        with self._changed:
            if self.memory.refused_on(channel_id):
                raise HarnessError(f"{what}, but {self.memory.describe()}; the refused one may be it")

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


def _first_headers(headers: dict[str, str], limit: int) -> dict[str, str]:
    """The headers of a trace, up to `limit` bytes in all (a peer may send a hundred 8 KiB headers)."""
    kept: dict[str, str] = {}
    size = 0
    for name, value in headers.items():
        size += len(name) + len(value)
        if size > limit:
            break
        kept[name] = value
    return kept
