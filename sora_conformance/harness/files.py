"""What a recording left in the target's archive_dir (`sora.files`), read as evidence.

Every read is about the test's own clause unless the caller names another of the test's clauses: the scenario
hands over its clause resolver, so a file step can never judge a clause the test is not tagged with.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..clients import SoraClient
from ..contract.containers import ContainerReport, check_media
from ..contract.files import MEDIA_SUFFIXES
from .archive import ArchiveDir
from .media import RecordedFile, connection_media
from .recorded import Recorded
from .verdict import HarnessError


class RecordingFiles:
    def __init__(self, archive: ArchiveDir, clause: Callable[[str | None], str],
                 evidence: Callable[[str, Any], None]) -> None:
        self._archive = archive
        self._clause = clause
        self._evidence = evidence

    def directory(self, rec: Recorded) -> Path:
        """The recording's directory in archive_dir (whether it exists or not)."""
        return self._archive.recording_dir(rec.recording_id)

    def names(self, rec: Recorded) -> list[str]:
        """The names of the files in the recording's directory; no directory breaks FILES-IN-ARCHIVE-DIR."""
        return self._archive.names(rec.recording_id)

    def report(self, rec: Recorded) -> Any:
        """The recording's report-<recording_id>.json, read as evidence."""
        return self._archive.report_file(rec.recording_id)

    def archives(self, rec: Recorded) -> dict[str, Any]:
        """Every archive-*.json / split-archive-*.json of the recording, by file name, read as evidence."""
        return self._archive.archive_files(rec.recording_id)

    def media(self, rec: Recorded, client: SoraClient, clause: str | None = None) -> list[RecordedFile]:
        """The client's media files in the recording, decoded (single archive, or split pieces in order); no
        file at all breaks the test's clause (or `clause`)."""
        if client.connection_id is None:
            raise HarnessError(f"a client of {client.channel_id} has no connection_id: it never connected")
        return connection_media(self._archive, rec.recording_id, client.connection_id, self._clause(clause),
                                self._evidence)

    def containers(self, rec: Recorded) -> dict[str, ContainerReport]:
        """Every media file of the recording, by file name, judged by its container (read as evidence)."""
        directory = self._archive.recording_dir(rec.recording_id)
        found = {}
        for name in self._archive.names(rec.recording_id):
            if not name.endswith(MEDIA_SUFFIXES):
                continue
            report = check_media(directory / name)
            if report.error is not None:
                raise HarnessError(f"archive_dir: {report.error}")  # not readable here: nothing was judged
            self._evidence(f"container {name}", {"findings": [str(f) for f in report.summarised()],
                                                 "tracks": report.tracks, "media span": round(report.span, 3),
                                                 "container says": report.stated_duration})
            found[name] = report
        return found

    def container(self, rec: Recorded, name: str) -> str:
        """The container format PyAV finds in one of the recording's media files ("" when not readable)."""
        return self._archive.container(rec.recording_id, name)

    def reports_for_channel(self, channel: str, since: float) -> list[Path]:
        """Report files of the channel's recordings written since `since` (wall clock)."""
        return self._archive.reports_for_channel(channel, since)
