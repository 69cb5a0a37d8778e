"""Changes that act only while the emulator is busy: what breaks on a recording node sized too small.

A recording node under load falls behind: its disk cannot keep up and archives fail, or its reports go out late
or never. These changes act only while more than `above` session recordings are live, so a run that records one
at a time (the conformance suite) never meets them; `sora-conformance load` does (tests/load/).

Each change counts the live recordings itself, from the recording.started and recording.report webhooks passing
the sending seam, and keeps that count per emulator: ActiveFaults gives every emulator its own copy of a fault.
"""
from __future__ import annotations

import re
import threading
from dataclasses import replace
from typing import Any

from ..files import FileWrite
from .model import ARCHIVE, SESSION_RECORDING, Outgoing

FAILED_ENTRY_KEYS = ("label", "node_name", "client_id", "bundle_id", "connection_id")  # a failed_archives[] item
ARCHIVE_JSON = re.compile(r"^(?:archive-|split-archive-end-)(?P<cid>[^_]+)\.json$|^split-archive-(?P<piece>[^_]+)_\d+\.json$")


class LiveRecordings:
    """The session recordings whose recording.started went out and whose recording.report did not yet."""

    def __init__(self) -> None:
        self._live: set[str] = set()
        self.lock = threading.RLock()  # the sending seam runs on the loop, the file seam in finalising threads

    def count(self) -> int:
        with self.lock:
            return len(self._live)

    def saw(self, out: Outgoing) -> int:
        """Counts `out` in; returns how many were live as it went out (a report counts its own recording)."""
        recording_id = _data(out.body).get("recording_id")
        with self.lock:
            live = len(self._live)
            if out.kind == SESSION_RECORDING and isinstance(recording_id, str):
                if out.body.get("type") == "recording.started":
                    self._live.add(recording_id)
                    live = len(self._live)
                elif out.body.get("type") == "recording.report":
                    self._live.discard(recording_id)
            return live


class ReportLostUnderLoad:
    """recording.report is never sent while more than `above` recordings are live (its own included)."""

    def __init__(self, above: int) -> None:
        self.above = above
        self.live = LiveRecordings()

    def __deepcopy__(self, memo: dict[int, Any]) -> ReportLostUnderLoad:
        return ReportLostUnderLoad(self.above)  # another emulator's copy: nothing seen yet

    def __call__(self, out: Outgoing) -> None:
        live = self.live.saw(out)
        if out.kind == SESSION_RECORDING and out.body.get("type") == "recording.report" and live > self.above:
            out.hook = None  # lost: nothing is sent


class ArchiveFailsUnderLoad:
    """A connection's archive finalised while more than `above` recordings are live fails: its JSON is not
    written, archive.failed replaces archive.available (its split pieces' webhooks are not sent), and the
    report file and recording.report list it in failed_archives instead of archives. Its media file, written as
    the media arrived, is left behind, as a disk that fell behind leaves a partial file."""

    def __init__(self, above: int) -> None:
        self.above = above
        self.live = LiveRecordings()
        self._failed: dict[str, set[str]] = {}  # recording_id -> connection ids whose archive failed
        self._decided: set[tuple[str, str]] = set()

    def __deepcopy__(self, memo: dict[int, Any]) -> ArchiveFailsUnderLoad:
        return ArchiveFailsUnderLoad(self.above)  # another emulator's copy: nothing seen yet

    def changes(self) -> dict[str, Any]:
        """The fault's changes at both seams (one state): `Fault(..., **fails.changes())`."""
        return {"webhook": self.webhook, "file": self.file}

    # --- the recorder's disk ----------------------------------------------------------------------
    def file(self, write: FileWrite) -> list[FileWrite]:
        recording_id = write.path.parent.name
        if write.body is not None and write.path.name == f"report-{recording_id}.json":
            return [replace(write, body=self._moved(recording_id, write.body))]
        match = ARCHIVE_JSON.match(write.path.name)
        if write.body is None or match is None:
            return [write]
        return [] if self._fails(recording_id, match.group("cid") or match.group("piece")) else [write]

    def _fails(self, recording_id: str, connection_id: str) -> bool:
        """Decided once per archive, at its first JSON: how busy the node is as the archive is finalised."""
        key = (recording_id, connection_id)
        with self.live.lock:
            if key not in self._decided:
                self._decided.add(key)
                if self.live.count() > self.above:
                    self._failed.setdefault(recording_id, set()).add(connection_id)
            return connection_id in self._failed.get(recording_id, set())

    # --- the sending seam -------------------------------------------------------------------------
    def webhook(self, out: Outgoing) -> None:
        self.live.saw(out)
        data = _data(out.body)
        recording_id, connection_id = data.get("recording_id"), data.get("connection_id")
        with self.live.lock:
            failed = set(self._failed.get(recording_id, set())) if isinstance(recording_id, str) else set()
        if out.kind == SESSION_RECORDING and out.body.get("type") == "recording.report" and failed:
            out.body["data"] = self._moved(str(recording_id), data)
        elif out.kind == ARCHIVE and connection_id in failed:
            if out.body.get("type") == "split-archive.available":
                out.hook = None
            else:
                out.body["type"] = "archive.failed"

    def _moved(self, recording_id: str, report: dict[str, Any]) -> dict[str, Any]:
        with self.live.lock:
            failed = set(self._failed.get(recording_id, set()))
        archives = report.get("archives")
        if not failed or not isinstance(archives, list):
            return report
        kept = [a for a in archives if not (isinstance(a, dict) and a.get("connection_id") in failed)]
        moved = [{k: a[k] for k in FAILED_ENTRY_KEYS if k in a} for a in archives if a not in kept]
        return report | {"archives": kept, "failed_archives": list(report.get("failed_archives") or []) + moved}


def _data(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data")
    return data if isinstance(data, dict) else {}
