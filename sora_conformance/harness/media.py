"""A connection's recorded media, read back from archive_dir: each media file decoded beside its JSON."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..media.content import Interval, MediaContent, read_media, shortfall, stated_interval
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

    def interval(self) -> Interval | None:
        return stated_interval(self.meta)

    def cut_short(self) -> str | None:
        """Why the decoded media does not reach the end of the interval the file states (its JSON's, else its
        container's own duration), as a cut-off file decodes its first part without an error; None when it does."""
        stated = self.interval()
        if stated is None and self.content.stated_duration is not None:
            stated = Interval(0.0, self.content.stated_duration, 0.001)
        missing = shortfall(self.content.span, stated) if stated is not None else None
        if missing is None or stated is None:
            return None
        return (f"its media lasts {self.content.span:.2f} s of the {stated.seconds:.2f} s it states: "
                f"{missing:.2f} s missing, as in a file cut off mid-write")


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
