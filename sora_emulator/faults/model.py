"""What a fault is: the clause it breaks and what it changes, at one of the emulator's seams.

A fault never reaches into the code it breaks. It declares its change and the seam applies it:
- `rules`: fields of `params.RecordingRules` (what the API accepts), applied when the app builds its rules;
- `policy`: a subclass of one of Sora's policies (`policies.POLICIES`: when a recording ends, whose media goes
  into an archive, ...), replacing that policy whole; the app builds it instead of Sora's;
- `webhook`: a change to an outgoing webhook (its body or the webhook it goes to), at the sending seam;
- `file`: a change to a planned file write (drop, alter, cut, add a copy), at the recorder's disk;
- `media`: a change to each received frame on its way into a file (blank, drop), at the frame seam;
- `muxing` / `element`: how a file's container is written (which muxer, its options, a filter on the encoded
  video) / a change to each top-level WebM element Sora's muxer writes, at the container seam (media/seams.py);
- `answer` / `answered` / `refusal`: an API answer given instead of the handler's, a change to the handler's
  answer, or a change to every refusal, at dispatch.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..files import FileChange
from ..media.seams import ElementChange, FrameChange, MuxingChange
from ..state import State
from ..webhooks import Hook

# What a fault may change: the kinds of change, each applied by its one seam (a policy: by the app building it)
KINDS = ("rules", "policy", "webhook", "file", "media", "muxing", "element", "answer", "answered", "refusal")
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
    state: State  # what the emulator knows when the call arrives (read, never changed, by an API fault)


Answer = tuple[int, Any]  # (HTTP status, JSON body)
WebhookChange = Callable[[Outgoing], None]
ApiAnswer = Callable[[ApiCall], Answer | None]  # None: the handler answers
AnswerChange = Callable[[ApiCall, Any], Any]  # the handler's answer body -> the body answered
RefusalChange = Callable[[int, dict[str, Any]], Answer]


@dataclass(frozen=True, eq=False)
class Fault:
    name: str
    clause: str
    description: str
    rules: Mapping[str, Any] = field(default_factory=dict)
    policy: type | None = None
    webhook: WebhookChange | None = None
    file: FileChange | None = None
    media: FrameChange | None = None
    muxing: MuxingChange | None = None
    element: ElementChange | None = None
    answer: ApiAnswer | None = None
    answered: AnswerChange | None = None
    refusal: RefusalChange | None = None

    @property
    def seams(self) -> list[str]:
        """Where this fault changes something (at least one)."""
        return [name for name in KINDS if getattr(self, name)]


def kind_of(body: dict[str, Any]) -> str:
    kind = str(body.get("type", ""))
    if kind in ("recording.started", "recording.report"):
        return LEGACY_RECORDING if "log_written" in body else SESSION_RECORDING
    if kind.startswith(("archive.", "split-archive.")):
        return ARCHIVE
    return OTHER
