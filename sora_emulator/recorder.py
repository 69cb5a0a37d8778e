"""Recording files on disk: WebM (or synthesised MP4) media and the JSON beside it, written atomically.

The media is what the connection sent, written while the archive was open (`media.writer.ArchiveMedia`);
finalising closes those files and writes the JSON. Grey frames lasting the interval are synthesised only
when nothing was received to write (an archive opened without a live peer, e.g. in unit tests).
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import payloads
from .faults import Faults
from .media.synth import write_mp4, write_video
from .media.writer import ArchiveMedia, Layout
from .state import Archive, Recording


def write_json(path: Path, body: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2))
    os.replace(tmp, path)  # readers never see a half-written file


def write_webm(path: Path, seconds: float) -> int:
    """A VP8 WebM lasting `seconds` (at least one frame); returns its size in bytes."""
    return write_video(path, seconds, "webm")


def media_file(path: Path, seconds: float) -> int:
    """The size of the media written at `path`, synthesised first if nothing was received for it."""
    return path.stat().st_size if path.is_file() else write_webm(path, seconds)


@dataclass
class WrittenArchive:
    """What finalising one connection's archive produced: the report entry and the webhooks to send."""

    entry: dict[str, Any]
    events: list[tuple[str, dict[str, Any]]]  # (event type, data extras) for archive webhooks


class Recorder:
    def __init__(self, archive_dir: Path, faults: Faults, dual_output: bool = False) -> None:
        self.archive_dir = archive_dir
        self.faults = faults
        self.dual_output = dual_output  # sora.conf recording_dual_output: single and split files together

    def directory(self, rec: Recording) -> Path:
        path = self.archive_dir / rec.recording_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def media_layouts(self, rec: Recording, cid: str) -> list[Layout]:
        """The media files of a connection's archive, as `finalise_archive` names them (none for MP4: synthesised)."""
        layouts: list[Layout] = []
        if rec.params.format == "mp4":
            return layouts
        if self._splits(rec):
            layouts.append(Layout(lambda index: f"split-archive-{cid}_{index:04d}", float(rec.params.split_duration or 1)))
        if not rec.params.split_only or self.faults.on("split-only-writes-single"):
            layouts.append(Layout(lambda _: f"archive-{cid}"))
        return layouts

    def finalise_archive(self, rec: Recording, archive: Archive, media: ArchiveMedia | None = None) -> WrittenArchive:
        """Blocking (PyAV): call from a worker thread. `media` is the writer of what the connection sent."""
        directory = self.directory(rec)
        stop = archive.stop_time if archive.stop_time is not None else archive.start_time
        if media is not None:
            media.close(stop)
        cid = archive.connection.connection_id
        write_files = not self.faults.on("no-files")
        events: list[tuple[str, dict[str, Any]]] = []
        split_last: int | None = None
        if self._splits(rec):
            split_last = self._write_splits(rec, archive, directory, stop, write_files, events)
        if not rec.params.split_only or self.faults.on("split-only-writes-single"):
            stem = f"archive-{cid}"
            size = _media(rec)(directory / f"{stem}.{rec.params.format}", stop - archive.start_time) if write_files else 0
            if write_files and self.faults.on("archive-in-two-formats"):
                shutil.copyfile(directory / f"{stem}.webm", directory / f"{stem}.mp4")
            body = payloads.archive_file(rec, archive, directory, stem, archive.start_time, stop, size)
            if write_files:
                write_json(directory / f"{stem}.json", body)
            events.append(("archive.available", _available_extras(body)))
        entry = payloads.archive_entry(rec, archive, split_last if rec.params.split_only else None)
        if split_last is not None and not rec.params.split_only:  # dual output: both kinds of file
            entry["split_last_index"] = f"{split_last:04d}"
        if not rec.params.split_only:
            entry |= {"file_path": str(directory / f"archive-{cid}.{rec.params.format}"),
                      "metadata_file_path": str(directory / f"archive-{cid}.json")}
        return WrittenArchive(entry, events)

    def _splits(self, rec: Recording) -> bool:
        """Split files: with split_only, or with recording_dual_output (split_duration given either way)."""
        dual = self.dual_output and not self.faults.on("dual-output-ignored")
        return bool(rec.params.split_duration) and (rec.params.split_only or dual)

    def _write_splits(self, rec: Recording, archive: Archive, directory: Path, stop: float, write_files: bool,
                      events: list[tuple[str, dict[str, Any]]]) -> int:
        cid = archive.connection.connection_id
        duration = float(rec.params.split_duration or 1)
        start = archive.start_time
        index = 0
        while True:
            index += 1
            piece_stop = min(stop, start + duration)
            stem = f"split-archive-{cid}_{index:04d}"
            size = _media(rec)(directory / f"{stem}.{rec.params.format}", piece_stop - start) if write_files else 0
            body = payloads.archive_file(rec, archive, directory, stem, start, piece_stop, size) | {
                "split_index": f"{index:04d}"}
            if write_files:
                write_json(directory / f"{stem}.json", body)
            events.append(("split-archive.available", _available_extras(body) | {"split_index": f"{index:04d}"}))
            start = piece_stop
            if start >= stop:
                break
        end = payloads.archive_file(rec, archive, directory, f"split-archive-end-{cid}", archive.start_time, stop, 0)
        for key in ("file_path", "filename", "metadata_file_path", "metadata_filename", "format", "size"):
            end.pop(key)
        end["split_last_index"] = f"{index:04d}"
        if write_files:
            write_json(directory / f"split-archive-end-{cid}.json", end)
        events.append(("split-archive.end", {"split_last_index": f"{index:04d}", "stop_time": end["stop_time"],
                                             "stop_time_offset": end["stop_time_offset"],
                                             "stop_timestamp": end["stop_timestamp"], "stats": {}}))
        return index

    def write_report(self, rec: Recording, entries: list[dict[str, Any]]) -> dict[str, Any]:
        directory = self.directory(rec)
        report = payloads.report_file(rec, directory, entries, self.faults)
        if not self.faults.on("no-files"):
            write_json(directory / report["filename"], report)
        return report


def _media(rec: Recording) -> Any:
    return write_mp4 if rec.params.format == "mp4" else media_file


def _available_extras(body: dict[str, Any]) -> dict[str, Any]:
    keys = ("file_path", "filename", "metadata_file_path", "metadata_filename", "size", "stop_time",
            "stop_time_offset", "stop_timestamp")
    return {k: body[k] for k in keys} | {"stats": {}}
