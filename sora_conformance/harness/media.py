"""A connection's recorded media, read back from archive_dir: each media file decoded beside its JSON."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..media.content import MediaContent, read_media
from .archive import ArchiveDir
from .verdict import ClauseFailure


@dataclass
class RecordedFile:
    """One archive or split-archive media file: its JSON, and what decoding it found."""

    meta: dict[str, Any]
    content: MediaContent

    @property
    def name(self) -> str:
        return self.content.name

    def interval(self) -> tuple[float, float] | None:
        """(start, stop) in epoch seconds as the JSON states them (start_timestamp / stop_timestamp)."""
        start, stop = _epoch(self.meta.get("start_timestamp")), _epoch(self.meta.get("stop_timestamp"))
        return (start, stop) if start is not None and stop is not None else None

    def seconds(self) -> float | None:
        interval = self.interval()
        return interval[1] - interval[0] if interval else None


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
        media = meta.get("filename") if isinstance(meta, dict) else None
        if not isinstance(media, str) or "/" in media or not (directory / media).is_file():
            raise ClauseFailure(clause, f"{name} names no media file in the directory", "its media file", media)
        content = read_media(directory / media)
        evidence(f"media {media}", content.summary())
        found.append(RecordedFile(meta, content))
    return found


def _epoch(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None
