"""The scenario's steps about recording files: what a recording left in archive_dir, read as evidence."""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..clients import SoraClient
from ..contract.containers import ContainerReport, check_media
from ..contract.files import MEDIA_SUFFIXES
from .archive import ArchiveDir
from .media import RecordedFile, connection_media
from .recipes import Recorded
from .verdict import HarnessError


class FileSteps:
    _archive: ArchiveDir  # the target's archive_dir (Scenario sets it)
    evidence: Callable[[str, Any], None]

    def clause(self, named: str | None = None) -> str:
        raise NotImplementedError  # Scenario's: the test's own clause

    def check(self, condition: bool, title: str, expected: list[str] | str = "", actual: Any = None, *,
              clause: str | None = None) -> bool:
        raise NotImplementedError  # Scenario's

    def recording_dir(self, rec: Recorded) -> Path:
        return self._archive.recording_dir(rec.recording_id)

    def recording_files(self, rec: Recorded) -> list[str]:
        return self._archive.names(rec.recording_id)

    def report_file(self, rec: Recorded) -> Any:
        return self._archive.report_file(rec.recording_id)

    def archive_files(self, rec: Recorded) -> dict[str, Any]:
        """Every archive-*.json / split-archive-*.json of the recording, by file name, read as evidence."""
        return self._archive.archive_files(rec.recording_id)

    def archive_media(self, rec: Recorded, client: SoraClient, clause: str | None = None) -> list[RecordedFile]:
        """The client's media files in the recording, decoded (single archive, or split pieces in order)."""
        assert client.connection_id is not None
        return connection_media(self._archive, rec.recording_id, client.connection_id, self.clause(clause),
                                self.evidence)

    def archive_containers(self, rec: Recorded) -> dict[str, ContainerReport]:
        """Every media file of the recording, by file name, judged by its container (read as evidence)."""
        directory = self._archive.recording_dir(rec.recording_id)
        found = {}
        for name in self._archive.names(rec.recording_id):
            if not name.endswith(MEDIA_SUFFIXES):
                continue
            report = check_media(directory / name)
            if report.error is not None:
                raise HarnessError(f"archive_dir: {report.error}")  # not readable here: nothing was judged
            self.evidence(f"container {name}", {"findings": [str(f) for f in report.summarised()],
                                                "tracks": report.tracks, "media span": round(report.span, 3),
                                                "container says": report.stated_duration})
            found[name] = report
        return found

    def check_containers(self, files: dict[str, ContainerReport], kind: str, *clauses: str) -> None:
        """Every file's findings of each clause, clause by clause in the order given (a must-level break stops
        the test there); a file of another kind than `kind` ("webm" / "mp4") breaks the last clause."""
        for clause in clauses:
            broken = [f"{name}: {f}" for name, report in files.items() for f in report.summarised()
                      if f.clause == clause]
            self.check(not broken, f"{len(broken)} break(s) of {clause}, first: {broken[:1]}", "none", broken,
                       clause=clause)
        others = [name for name, report in files.items() if report.kind != kind]
        self.check(not others, f"media files that are not {kind}", f".{kind} archives", others, clause=clauses[-1])

    def record_for(self, seconds: float) -> None:
        """Lets media flow into the recording for `seconds`: the length of the recorded interval is the
        scenario's input, not a wait for something to happen."""
        threading.Event().wait(seconds)  # sleep-ok: the recorded interval itself

    def media_container(self, rec: Recorded, name: str) -> str:
        """The container format PyAV finds in one of the recording's media files ("" when not readable)."""
        return self._archive.container(rec.recording_id, name)

    def reports_for_channel(self, channel: str, since: float) -> list[Path]:
        return self._archive.reports_for_channel(channel, since)
