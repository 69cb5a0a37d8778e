"""Reading what the target wrote into its archive_dir, as evidence, for the scenario's file steps."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..scrub import scrub
from .verdict import ClauseFailure, HarnessError


class ArchiveDir:
    def __init__(self, root: Path | None, evidence: Callable[[str, Any], None]) -> None:
        self.root = root
        self.evidence = evidence

    def recording_dir(self, recording_id: str) -> Path:
        if self.root is None:
            raise HarnessError("archive_dir is not readable here (--archive-dir)")
        return self.root / recording_id

    def names(self, recording_id: str) -> list[str]:
        """The file names of a recording's directory; a missing directory is a failure, never an empty pass."""
        directory = self.recording_dir(recording_id)
        if not directory.is_dir():
            raise ClauseFailure("FILES-IN-ARCHIVE-DIR", f"no directory {recording_id} in archive_dir",
                                f"{directory} exists", "missing")
        return sorted(p.name for p in directory.iterdir())

    def read_json(self, path: Path) -> Any:
        try:
            # scrubbed as it is read: an archive's JSON carries its connection's metadata (and access_token)
            content = scrub(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, RecursionError) as exc:
            raise ClauseFailure("FILES-IN-ARCHIVE-DIR", f"cannot read {path.name}", "a readable JSON file",
                                f"{type(exc).__name__}: {exc}") from None
        self.evidence(f"file {path.name}", content)
        return content

    def report_file(self, recording_id: str) -> Any:
        path = self.recording_dir(recording_id) / f"report-{recording_id}.json"
        if not path.is_file():
            raise ClauseFailure("FILES-IN-ARCHIVE-DIR", f"report-{recording_id}.json is not in archive_dir",
                                f"{path} exists", "missing")
        return self.read_json(path)

    def archive_files(self, recording_id: str) -> dict[str, Any]:
        names = [n for n in self.names(recording_id) if "archive-" in n and n.endswith(".json")]
        return {name: self.read_json(self.recording_dir(recording_id) / name) for name in names}

    def container(self, recording_id: str, name: str) -> str:
        """The container PyAV reads in a media file ("mov,mp4,..." or "matroska,webm"); "" when it is not media."""
        import av  # only the file steps that look inside media need it

        path = self.recording_dir(recording_id) / name
        try:
            with av.open(str(path)) as media:
                found = str(media.format.name)
        except (OSError, av.error.FFmpegError) as exc:
            found = ""
            self.evidence(f"media {name}", {"readable": False, "error": f"{type(exc).__name__}: {exc}"})
        else:
            self.evidence(f"media {name}", {"readable": True, "container": found})
        return found

    def reports_for_channel(self, channel: str, since: float) -> list[Path]:
        """Report files of this channel's recordings written since `since` (wall clock): only recent
        directories are opened, so a busy archive_dir stays cheap to scan."""
        if self.root is None:
            raise HarnessError("archive_dir is not readable here (--archive-dir)")
        if not self.root.is_dir():
            raise HarnessError(f"archive_dir {self.root} is not a directory")
        found = []
        for directory in self.root.iterdir():
            if not directory.is_dir() or directory.stat().st_mtime < since - 1:
                continue
            for report in directory.glob("report-*.json"):
                try:
                    if json.loads(report.read_text(encoding="utf-8")).get("channel_id") == channel:
                        found.append(report)
                except (OSError, ValueError, AttributeError, RecursionError):
                    continue
        return found
