"""What a fault is: the clause it breaks and what it changes, at one of the emulator's seams.

A fault never reaches into the code it breaks. It declares its change and the seam applies it:
- `rules`: fields of `params.RecordingRules` (what the API accepts), applied when the app builds its rules;
- `behaviour`: fields of `behaviour.Behaviour`, the decisions the app owns (when a recording ends, ...);
- `webhook`: a change to an outgoing webhook (its body or the webhook it goes to), at the sending seam;
- `file`: a change to a planned file write (drop, alter, add a copy), at the recorder's disk;
- `answer` / `refusal`: an API answer given instead of the handler's, or a change to every refusal, at dispatch.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..files import FileChange
from ..webhooks import Hook

if TYPE_CHECKING:
    from ..app import EmulatorApp

SESSION_RECORDING, LEGACY_RECORDING, ARCHIVE, OTHER = "session-recording", "legacy-recording", "archive", "other"


@dataclass
class Outgoing:
    """A webhook about to be sent; `kind` is what it was before any change; `hook` None: not sent at all."""

    hook: Hook | None
    body: dict[str, Any]
    kind: str


@dataclass(frozen=True)
class ApiCall:
    target: str  # x-sora-target
    body: dict[str, Any]
    app: EmulatorApp


Answer = tuple[int, Any]  # (HTTP status, JSON body)
WebhookChange = Callable[[Outgoing], None]
ApiAnswer = Callable[[ApiCall], Answer | None]  # None: the handler answers
RefusalChange = Callable[[int, dict[str, Any]], Answer]


@dataclass(frozen=True, eq=False)
class Fault:
    name: str
    clause: str
    description: str
    rules: Mapping[str, Any] = field(default_factory=dict)
    behaviour: Mapping[str, Any] = field(default_factory=dict)
    webhook: WebhookChange | None = None
    file: FileChange | None = None
    answer: ApiAnswer | None = None
    refusal: RefusalChange | None = None

    @property
    def seams(self) -> list[str]:
        """Where this fault changes something (at least one)."""
        return [name for name in ("rules", "behaviour", "webhook", "file", "answer", "refusal") if getattr(self, name)]


def kind_of(body: dict[str, Any]) -> str:
    kind = str(body.get("type", ""))
    if kind in ("recording.started", "recording.report"):
        return LEGACY_RECORDING if "log_written" in body else SESSION_RECORDING
    if kind.startswith(("archive.", "split-archive.")):
        return ARCHIVE
    return OTHER
