"""The webhook types Sora posts to a receiver: which of its webhook URLs each goes to, the headers that name it,
and the schema of the answer when Sora acts on the answer.

The one table of them: generation, replay and anything else that posts or reads webhooks as Sora does take it
from here. Legacy types (`legacy.*`) are left out on purpose: a migrated receiver no longer gets them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WebhookKind:
    name: str
    endpoint: str  # which of Sora's webhook URLs: "session", "event" or "auth"
    answer_schema: str | None = None  # Sora acts on the answer to this webhook: the schema it must meet

    def headers(self, payload: Any) -> dict[str, str]:
        """The headers Sora sends with this webhook beside `content-type`."""
        headers: dict[str, str] = {}
        fields = payload if isinstance(payload, dict) else {}
        if self.endpoint == "auth":
            _id_header(headers, "sora-connection-id", fields.get("connection_id"))
        else:
            headers[f"sora-{self.endpoint}-webhook-type"] = self.name
            _id_header(headers, "sora-session-id", fields.get("session_id"))
        return headers


def _id_header(headers: dict[str, str], name: str, value: Any) -> None:
    """Ids go into headers as Sora does, when they can: the schema allows any string, a header does not."""
    if isinstance(value, str) and value.isascii() and value.isprintable() and value.strip() == value and value:
        headers[name] = value


KINDS: dict[str, WebhookKind] = {kind.name: kind for kind in (
    WebhookKind("session.created", "session", answer_schema="session.created.response"),
    WebhookKind("session.destroyed", "session"),
    WebhookKind("recording.started", "session"),
    WebhookKind("recording.report", "session"),
    WebhookKind("auth.request", "auth", answer_schema="auth.response"),
    WebhookKind("connection.created", "event"),
    WebhookKind("connection.destroyed", "event"),
    WebhookKind("archive.started", "event"),
    WebhookKind("archive.available", "event"),
    WebhookKind("archive.failed", "event"),
    WebhookKind("split-archive.available", "event"),
    WebhookKind("split-archive.end", "event"),
)}
TYPES = list(KINDS)
RECORDING = ("recording.started", "recording.report")  # the session recording webhooks the migration changed
