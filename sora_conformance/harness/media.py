"""A connection's recorded media, read back from archive_dir: each media file decoded beside its JSON."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..media.content import MediaContent, read_media
from .archive import ArchiveDir
from .verdict import ClauseFailure


@dataclass(frozen=True)
class Interval:
    """What a file's JSON says it covers, in seconds, and how finely it says it: start_timestamp /
    stop_timestamp (ms), else start_time_offset / stop_time_offset (whole seconds, as hisui reads them)."""

    start: float
    stop: float
    resolution: float

    @property
    def seconds(self) -> float:
        return self.stop - self.start


@dataclass
class RecordedFile:
    """One archive or split-archive media file: its JSON, and what decoding it found."""

    meta: dict[str, Any]
    content: MediaContent

    @property
    def name(self) -> str:
        return self.content.name

    def interval(self) -> Interval | None:
        start, stop = _epoch(self.meta.get("start_timestamp")), _epoch(self.meta.get("stop_timestamp"))
        if start is not None and stop is not None:
            return Interval(start, stop, 0.001)
        start_offset, stop_offset = self.meta.get("start_time_offset"), self.meta.get("stop_time_offset")
        if isinstance(start_offset, int) and isinstance(stop_offset, int):
            return Interval(float(start_offset), float(stop_offset), 1.0)
        return None


def connection_media(archive: ArchiveDir, recording_id: str, connection_id: str, clause: str,
                     evidence: Callable[[str, Any], None]) -> list[RecordedFile]:
    """The connection's media files in the recording, in order (single archive, or split pieces by index). No
    file at all breaks `clause`: an empty list never passes."""
    names = archive.names(recording_id)
    metas = [n for n in names if n.endswith(".json") and (n == f"archive-{connection_id}.json"
                                                          or n.startswith(f"split-archive-{connection_id}_"))]
    if not metas:
        raise ClauseFailure(clause, f"connection {connection_id} has no archive file", "its archive files", names)
    directory = archive.recording_dir(recording_id)
    found = []
    for name in sorted(metas):
        meta = archive.read_json(directory / name)
        media = _media_name(meta, directory, name.removesuffix(".json"))
        if media is None:
            raise ClauseFailure(clause, f"{name} names no media file in the directory", "its media file",
                                meta.get("filename") if isinstance(meta, dict) else meta)
        content = read_media(directory / media)
        evidence(f"media {media}", content.summary())
        found.append(RecordedFile(meta, content))
    return found


def _media_name(meta: Any, directory: Path, stem: str) -> str | None:
    """The media file the JSON names (`filename`), else the one beside it with its stem."""
    if not isinstance(meta, dict):
        return None
    named = meta.get("filename")
    candidates = [named] if named is not None else [f"{stem}.webm", f"{stem}.mp4"]
    return next((c for c in candidates if isinstance(c, str) and "/" not in c and (directory / c).is_file()), None)


def _epoch(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None
