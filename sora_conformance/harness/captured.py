"""What the capture server keeps of a webhook, which webhook a wait is for, and which channels are this run's."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..contract.classify import has_session_id
from ..contract.validator import Violation, level_for


def owns_channel(run_prefix: str, channel: str | None) -> bool:
    """A run's channels are `<run prefix>-...`: one that merely starts with the prefix (`<prefix>x`) is another
    run's or a stranger's. An empty prefix (the emulator's own tests) takes every channel."""
    return channel is not None and (run_prefix == "" or channel.startswith(f"{run_prefix}-"))


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
