"""What a recording leaves in archive_dir: media (WebM, or MP4) and the JSON beside it, per connection, and
the report.

The media is what the connection sent, written while the archive was open (`media.writer.ArchiveMedia`) in the
recording's format; finalising closes those files and writes the JSON. Grey frames lasting the interval are
synthesised only when nothing was received to write (an archive opened without a live peer, e.g. in unit tests,
or a file a fault adds). Every file
goes through `Disk` (files.py), where file faults apply.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import payloads
from .files import Disk
from .media.seams import NO_CHANGES, MediaChanges
from .media.writer import ArchiveMedia, Layout
from .policies import ArchiveOutputs
from .state import Archive, Recording


@dataclass
class WrittenArchive:
    """What finalising one connection's archive produced: the report entry and the webhooks to send."""

    entry: dict[str, Any]
    events: list[tuple[str, dict[str, Any]]]  # (event type, data extras) for archive webhooks


class Recorder:
    def __init__(self, archive_dir: Path, disk: Disk, outputs: ArchiveOutputs | None = None,
                 media_changes: MediaChanges = NO_CHANGES) -> None:
        self.archive_dir = archive_dir
        self.disk = disk
        self.outputs = outputs or ArchiveOutputs()  # which files an archive leaves (single, split pieces, both with dual output)
        self.media_changes = media_changes  # the media writer's frame and container seams

    def directory(self, rec: Recording) -> Path:
        path = self.archive_dir / rec.recording_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def media_layouts(self, rec: Recording, cid: str) -> list[Layout]:
        """The media files of a connection's archive, as `finalise_archive` names them (those the disk keeps)."""
        layouts = []
        if self.outputs.split(rec.params):
            layouts.append(Layout(lambda index: f"split-archive-{cid}_{index:04d}", float(rec.params.split_duration or 1)))
        if self.outputs.single(rec.params):
            layouts.append(Layout(lambda _: f"archive-{cid}"))
        directory = self.directory(rec)
        return [layout for layout in layouts if self.disk.keeps(directory / f"{layout.stem(1)}.{rec.params.format}")]

    def media_writer(self, rec: Recording, archive: Archive, clock: Callable[[], float]) -> ArchiveMedia:
        """The writer of what the archive's connection sends, into the files `finalise_archive` closes."""
        connection = archive.connection
        return ArchiveMedia(self.directory(rec), self.media_layouts(rec, connection.connection_id), archive.start_time,
                            connection.video is not False, connection.audio is not False, clock, rec.params.format,
                            self.media_changes)

    def finalise_archive(self, rec: Recording, archive: Archive, media: ArchiveMedia | None = None) -> WrittenArchive:
        """Blocking (PyAV): call from a worker thread. `media` is the writer of what the connection sent."""
        directory = self.directory(rec)
        stop = archive.stop_time if archive.stop_time is not None else archive.start_time
        if media is not None:
            media.close(stop)
        cid = archive.connection.connection_id
        events: list[tuple[str, dict[str, Any]]] = []
        split_last: int | None = None
        if self.outputs.split(rec.params):
            split_last = self._write_splits(rec, archive, directory, stop, events)
        if self.outputs.single(rec.params):
            stem = f"archive-{cid}"
            size = self.disk.media(directory / f"{stem}.{rec.params.format}", stop - archive.start_time)
            body = payloads.archive_file(rec, archive, directory, stem, archive.start_time, stop, size)
            self.disk.json(directory / f"{stem}.json", body)
            events.append(("archive.available", _available_extras(body)))
        entry = payloads.archive_entry(rec, archive, split_last if rec.params.split_only else None)
        if split_last is not None and not rec.params.split_only:  # dual output: both kinds of file
            entry["split_last_index"] = f"{split_last:04d}"
        if not rec.params.split_only:
            entry |= {"file_path": str(directory / f"archive-{cid}.{rec.params.format}"),
                      "metadata_file_path": str(directory / f"archive-{cid}.json")}
        return WrittenArchive(entry, events)

    def _write_splits(self, rec: Recording, archive: Archive, directory: Path, stop: float,
                      events: list[tuple[str, dict[str, Any]]]) -> int:
        cid = archive.connection.connection_id
        duration = float(rec.params.split_duration or 1)
        start = archive.start_time
        index = 0
        while True:
            index += 1
            piece_stop = min(stop, start + duration)
            stem = f"split-archive-{cid}_{index:04d}"
            size = self.disk.media(directory / f"{stem}.{rec.params.format}", piece_stop - start)
            body = payloads.archive_file(rec, archive, directory, stem, start, piece_stop, size,
                                         inner_stop=piece_stop < stop) | {"split_index": f"{index:04d}"}
            self.disk.json(directory / f"{stem}.json", body)
            events.append(("split-archive.available", _available_extras(body) | {"split_index": f"{index:04d}"}))
            start = piece_stop
            if start >= stop:
                break
        end = payloads.split_archive_end_file(rec, archive, directory, stop, index)
        self.disk.json(directory / f"split-archive-end-{cid}.json", end)
        events.append(("split-archive.end", {"split_last_index": f"{index:04d}", "stop_time": end["stop_time"],
                                             "stop_time_offset": end["stop_time_offset"],
                                             "stop_timestamp": end["stop_timestamp"], "stats": {}}))
        return index

    def write_report(self, rec: Recording, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """Writes report-<recording_id>.json; returns the report as built (before any file fault)."""
        directory = self.directory(rec)
        report = payloads.report_file(rec, directory, entries)
        self.disk.json(directory / report["filename"], report)
        return report


def _available_extras(body: dict[str, Any]) -> dict[str, Any]:
    keys = ("file_path", "filename", "metadata_file_path", "metadata_filename", "size", "stop_time",
            "stop_time_offset", "stop_timestamp")
    return {k: body[k] for k in keys} | {"stats": {}}
