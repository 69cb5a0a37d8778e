"""Recording files judged by their container: does a WebM or MP4 archive have the shape Sora writes and
Shiguredo's readers (hisui, sora-archive-compositor) require, and was it finalised?

`check_media(path)` reads one media file (never all of it at once: element and box headers, small values and
the first bytes of blocks) and returns a `ContainerReport`: findings, each with its clause, the rule of
../shared/reference/recording-files.md it breaks (W1-W14 for WebM, M1-M10 for MP4) and one line naming what was
expected and what was found; and the span of media the container's own timestamps cover. A malformed or hostile
file gives findings, never an exception.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

WEBM_SHAPE = "FILE-WEBM-SHAPE"
MP4_SHAPE = "FILE-MP4-SHAPE"
FINALISED = "FILE-FINALISED"
MAX_FINDINGS = 20  # per file: a broken writer breaks the same rule in every block; the first says it


@dataclass(frozen=True)
class Finding:
    clause: str
    rule: str  # W1..W14, M1..M10 (recording-files.md)
    message: str

    def __str__(self) -> str:
        return f"[{self.clause} {self.rule}] {self.message}"


@dataclass
class ContainerReport:
    """What one media file's container says: findings, and the media span its timestamps cover (seconds)."""

    kind: str  # "webm" / "mp4" / "unknown"
    findings: list[Finding] = field(default_factory=list)
    stated_duration: float | None = None  # the container's own Duration (WebM Info) / mvhd duration (MP4)
    media_start: float | None = None
    media_end: float | None = None  # where the last block / sample starts
    tracks: dict[int, str] = field(default_factory=dict)  # track number -> codec id, as the container names them
    error: str | None = None  # the file could not be read at all: nothing was judged
    _repeats: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def add(self, clause: str, rule: str, message: str) -> None:
        """One finding per break; the same break again elsewhere is counted, not listed (bounded output)."""
        key = (clause, rule, re.sub(r"\d+", "#", message))  # the same break elsewhere in the file
        if key in self._repeats:
            self._repeats[key] += 1
            return
        if len(self.findings) < MAX_FINDINGS:
            self._repeats[key] = 0
            self.findings.append(Finding(clause, rule, message))

    def summarised(self) -> list[Finding]:
        """The findings, each saying how often its rule broke again."""
        out = []
        for f in self.findings:
            again = self._repeats.get((f.clause, f.rule, re.sub(r"\d+", "#", f.message)), 0)
            out.append(Finding(f.clause, f.rule, f"{f.message} (and {again} more)" if again else f.message))
        return out

    def clauses(self) -> set[str]:
        return {f.clause for f in self.findings}

    @property
    def span(self) -> float:
        """Seconds from the first to the last block / sample (0 when there is none)."""
        if self.media_start is None or self.media_end is None:
            return 0.0
        return max(0.0, self.media_end - self.media_start)

    def note_time(self, seconds: float) -> None:
        self.media_start = seconds if self.media_start is None else min(self.media_start, seconds)
        self.media_end = seconds if self.media_end is None else max(self.media_end, seconds)


def check_media(path: Path) -> ContainerReport:
    """The container checks of one media file, chosen by its name (.webm / .mp4), as Sora names them."""
    kind = path.suffix.removeprefix(".")
    if kind not in ("webm", "mp4"):
        report = ContainerReport("unknown")
        report.add(FINALISED, "-", f"{path.name}: not a .webm or .mp4 file")
        return report
    try:
        handle = path.open("rb")
    except OSError as exc:
        return ContainerReport(kind, error=f"cannot read {path.name}: {exc.strerror or exc}")
    with handle:
        if kind == "webm":
            from . import webm  # each kind's parser library is imported only when a file of that kind is judged

            return webm.check(handle, path.stat().st_size)
        from . import mp4

        return mp4.check(handle, path)
