"""What the `sora` fixture yields: the scenario's steps, the recipes the suites share (record, end the
session, stop and get the report), built only from those steps, and the recording's files (`sora.files`)."""
from __future__ import annotations

import functools
from typing import Any

from ..clients import SoraClient
from ..contract.containers import ContainerReport
from .archive import ArchiveDir
from .capture import Captured
from .composed import hisui_composes
from .files import RecordingFiles
from .recorded import Recorded
from .scenario import WEBHOOK_TIMEOUT, Scenario


class Sora(Scenario):
    @functools.cached_property
    def files(self) -> RecordingFiles:
        """What the test's recordings left in the target's archive_dir."""
        return RecordingFiles(ArchiveDir(self.target.archive_dir, self.evidence), self.clause, self.evidence)

    def recording(self, *, via: str = "api", session_metadata: Any = None, role: str = "sendonly",
                  clause: str | None = None, **params: Any) -> Recorded:
        """A live session with a sender, recording. `via`: "api" (StartRecording) or "session.created"."""
        channel = self.new_channel()
        answer: dict[str, Any] = {}
        if session_metadata is not None:
            answer["session_metadata"] = session_metadata
        if via == "session.created":
            answer |= {"recording": True} | {f"recording_{k}": v for k, v in params.items()}
        if answer:
            self.answer_session_created(channel, answer)
        client = self.connect(channel, role)
        if via == "api":
            self.start_recording(channel, **params)
        started = self.wait("recording.started", channel, endpoint="session", clause=clause)
        return Recorded(channel, client, started, str(started.data().get("recording_id")), client.session_id)

    def finished_recording(self, *, clause: str | None = None, **params: Any) -> Recorded:
        """A recording that ran and was stopped: its recording.report has arrived (`rec.report`)."""
        rec = self.recording(clause=clause, **params)
        rec.report = self.stop_and_report(rec, clause)
        return rec

    def join(self, rec: Recorded, clause: str | None = None, *, video: bool = True) -> SoraClient:
        """Another sender joins the recording (`video=False`: audio only); returns it once its archive.started
        came."""
        client = self.connect(rec.channel, video=video)
        self.wait("archive.started", rec.channel, clause=clause,
                  match=lambda r: r.data().get("connection_id") == client.connection_id)
        return client

    def recording_with_blocked(self, *, clause: str | None = None,
                               **params: Any) -> tuple[Recorded, SoraClient]:
        """A recording whose channel also has a client the auth webhook answered "recording_block": true."""
        rec = self.recording(clause=clause, **params)
        return rec, self.connect(rec.channel, auth_answer={"recording_block": True})

    def end_session(self, rec: Recorded, clause: str | None = None) -> Captured:
        """Every client leaves; returns session.destroyed once the target's destroy delay has run."""
        self.leave(*[c for c in self.clients if c.channel_id == rec.channel and c.close_info is None])
        return self.wait_session_destroyed(rec.channel, rec.session_id, clause)

    def report_webhook(self, rec: Recorded, clause: str | None = None,
                       timeout: float = WEBHOOK_TIMEOUT) -> Captured:
        return self.wait("recording.report", rec.channel, endpoint="session", timeout=timeout, clause=clause,
                         match=lambda r: r.data().get("recording_id") == rec.recording_id)

    def stop_and_report(self, rec: Recorded, clause: str | None = None) -> Captured:
        """StopRecording, then the recording's recording.report."""
        self.stop_recording(rec.channel)
        rec.report = self.report_webhook(rec, clause)
        return rec.report

    def join_and_leave(self, rec: Recorded) -> SoraClient:
        """Another sender joins the recording and leaves; returns it once its archive.available came."""
        client = self.join(rec)
        mark = self.mark()
        self.leave(client)
        self.wait("archive.available", rec.channel, after=mark,
                  match=lambda r: r.data().get("connection_id") == client.connection_id)
        return client

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

    def composes(self, rec: Recorded) -> None:
        """hisui reads and decodes every media file of the finished recording and composes its directory with
        its default layout, keeping each connection for its recorded time (FILES-COMPOSE; unsupported in this
        test where hisui cannot run here)."""
        self.clause("FILES-COMPOSE")  # a test judging it says so in its marker
        hisui_composes(self.files.directory(rec), self.config, self._checker, self.evidence)

    def recording_webhook(self, rec: Recorded, kind: str, clause: str | None = None) -> Captured:
        """recording.started as it came, or recording.report once StopRecording has ended the recording."""
        return rec.started if kind == "recording.started" else self.stop_and_report(rec, clause)

    def new_recording_webhook(self, kind: str, *, clause: str | None = None, **params: Any) -> Captured:
        """The `kind` webhook (recording.started or recording.report) of a new recording made with `params`."""
        return self.recording_webhook(self.recording(clause=clause, **params), kind, clause)
