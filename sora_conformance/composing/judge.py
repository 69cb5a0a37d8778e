"""FILES-COMPOSE: what hisui made of a recording directory, judged against what the directory's files say.

hisui reads a recording the way recording-files.md §2.5 describes: every `*archive*.json` with a media file
of the same stem (`.webm`, or `.mp4` when its `format` says so) is a source; files with the same
`connection_id` are one connection, played back to back; a split piece that starts before the previous one
stops is dropped without a word. So beyond "hisui accepts every file and composes", each connection must come
out as long as it was recorded (no shorter), none of its files may be left unread, and the composed output lasts
as long as the recording.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..contract.files import read_json
from ..media.content import Interval, stated_interval
from .runner import Composition, Inspection

# Seconds a connection's composed time may fall short of the interval its files state. A file's media starts up
# to a key frame after its interval starts and ends at its last frame (MEDIA-DURATION allows 0.4 s per file),
# and hisui joins pieces by their media, not by the JSON. The shortest piece hisui could drop lasts
# split_duration, at least 1 s, which is more than this: a dropped piece is never within it. Intervals stated
# only in whole seconds (start/stop_time_offset) widen it by 1 s; the unread-file check still names the drop.
TOLERANCE = 0.5
# hisui lays a connection's split pieces end to end, each where the previous one's last block starts plus that
# block's length, not by the JSON: a piece whose last video frame starts just before its interval's end comes
# out up to one frame longer (100 ms at the suite's 10 fps), and one Opus packet (20 ms). The composed output may
# exceed the recording by that much per piece boundary; a piece composed twice lasts a whole split_duration.
PIECE_ALLOWANCE = 0.12
MAX_ERRORS_PER_FILE = 3
NOTHING_STATED = Interval(0.0, 0.0, 1.0)  # a JSON stating no interval: no time to keep, whole-second resolution


@dataclass
class Connection:
    """One connection as hisui sees it: the media files it should read, and the time they state."""

    connection_id: str
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    spans: list[tuple[float, float]] = field(default_factory=list)
    resolution: float = 0.001


@dataclass(frozen=True)
class Finding:
    title: str
    expected: str
    actual: Any = None
    refusal: bool = False  # hisui would not read, decode or compose it at all (else: it composed it wrongly)


def connections(root: Path) -> dict[str, Connection]:
    """The directory's sources by connection. A connection with a single archive is composed from it (hisui
    prefers the whole archive, dropping dual output's overlapping pieces by design); else from its pieces."""
    found: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]] = {}
    for path in sorted(root.glob("*archive*.json")):
        meta = read_json(path)
        if not isinstance(meta, dict) or not isinstance(meta.get("connection_id"), str):
            continue  # hisui itself refuses it, and says so in compose
        media = path.with_suffix(".mp4" if meta.get("format") == "mp4" else ".webm")
        if media.is_file():
            kind = "single" if path.name.startswith("archive-") else "split"
            found.setdefault(meta["connection_id"], {}).setdefault(kind, []).append((media.name, meta))
    out = {}
    for cid, kinds in found.items():
        conn = Connection(cid)
        for name, meta in kinds.get("single") or kinds["split"]:
            stated = stated_interval(meta) or NOTHING_STATED
            conn.files.append(name)
            conn.seconds += stated.seconds
            conn.spans.append((stated.start, stated.stop))
            conn.resolution = max(conn.resolution, stated.resolution)
        out[cid] = conn
    return out


def inspection_findings(inspections: list[Inspection]) -> list[Finding]:
    """Each file hisui refused to read or decode, with hisui's own words."""
    found = []
    for inspection in inspections:
        for message in inspection.run.errors[:MAX_ERRORS_PER_FILE]:
            found.append(Finding(f"hisui inspect --decode {inspection.path.name}: {message}",
                                 "hisui reads and decodes every block", inspection.summary or None, refusal=True))
    return found


def composition_findings(conns: dict[str, Connection], composition: Composition) -> list[Finding]:
    """Compose refused, a file left unread, a connection shorter or longer than recorded, output length."""
    if composition.run.refused:
        return [Finding(f"hisui compose refused {composition.root.name}: {composition.run.errors[0]}",
                        "hisui composes the recording with its default layout", composition.run.errors[:5],
                        refusal=True)]
    found = []
    readers = composition.readers()
    read = {Path(f).name for r in readers for f in r.get("input_files") or [] if isinstance(f, str)}
    for conn in conns.values():
        unread = [f for f in conn.files if f not in read]
        if unread:
            found.append(Finding(f"hisui composed connection {conn.connection_id} without {', '.join(unread)}",
                                 "every file of the connection read", sorted(read)))
        composed = composed_seconds(conn, readers)
        if composed is None or composed < conn.seconds - (TOLERANCE + conn.resolution):
            found.append(Finding(f"connection {conn.connection_id}: hisui composed {_seconds(composed)} of it, its "
                                 f"files state {conn.seconds:.2f} s", f"at most {TOLERANCE} s less than its files' "
                                 "interval", {"files": conn.files}))
    recorded = union_seconds([s for c in conns.values() for s in c.spans])
    slack = TOLERANCE + max((c.resolution for c in conns.values()), default=0.0)
    boundaries = max((len(c.files) - 1 for c in conns.values()), default=0)
    output = composition.output_seconds
    if output is None or output < recorded - slack or output > recorded + slack + PIECE_ALLOWANCE * boundaries:
        found.append(Finding(f"hisui's composed output lasts {_seconds(output)}, the recording's files span "
                             f"{recorded:.2f} s", f"within {TOLERANCE} s (and {PIECE_ALLOWANCE} s longer per split "
                             f"piece boundary: {boundaries})", composition.summary))
    return found


def composed_seconds(conn: Connection, readers: list[dict[str, Any]]) -> float | None:
    """The longest track hisui read of the connection's files (a reader's seconds over all its files). Only a
    lower bound is judged with it: a piece whose track is empty (a split tail of a few ms without audio) makes
    hisui 2026.1 count the previous piece's length again in this figure, never in its timeline; time hisui would
    add shows in the composed output's length instead."""
    mine = set(conn.files)
    seconds = [float(r["total_track_seconds"]) for r in readers
               if isinstance(r.get("total_track_seconds"), int | float) and r.get("input_files")
               and {Path(str(f)).name for f in r["input_files"]} <= mine]
    return max(seconds) if seconds else None


def union_seconds(spans: list[tuple[float, float]]) -> float:
    """How long at least one span covers (hisui trims the time when no source is active)."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


def _seconds(value: float | None) -> str:
    return "nothing" if value is None else f"{value:.2f} s"

