"""One recorded session, as every load user runs it: connect a few senders in a channel of its own, record
(through the session.created answer or StartRecording), hold, leave, wait for recording.report, judge.

Each step is timed (a step's latency is what the Locust user reports); what the target got wrong is an outcome
per clause (judge.py); what kept the session from being judged at all is its `error`.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..clients import ClientError, SoraClient
from ..harness.archive import ArchiveDir
from ..harness.capture import Captured
from ..harness.scenario import Scenario
from ..harness.verdict import ClauseFailure, HarnessError
from ..scrub import scrub_text
from ..verdicts import Verdict
from .checks import CHECKS, FINISHED, failed_archives
from .judge import Outcome, Recording, judge

START_CLAUSE = {"session.created": "REC-START-ON-CREATE", "api": "API-START-RENAMED"}


class Abandoned(Exception):
    """The load run is stopping: the session was cleaned up, not judged."""


@dataclass(frozen=True)
class SessionSpec:
    """What one recorded session does."""

    start: str = "session.created"  # or "api" (StartRecording)
    output: str = "single"  # or "split" (split_only with split_duration)
    format: str = "webm"  # or "mp4"
    clients: int = 2
    hold: float = 5.0  # seconds recorded with every client in
    split_duration: int = 2
    report_timeout: float = 30.0  # seconds from the last leave to recording.report, before the multiplier

    def params(self) -> dict[str, Any]:
        """The recording parameters, as StartRecording takes them."""
        params: dict[str, Any] = {"format": "mp4"} if self.format == "mp4" else {}
        if self.output == "split":
            params |= {"split_only": True, "split_duration": self.split_duration}
        return params


def step_clauses(spec: SessionSpec) -> list[str]:
    """The clauses a session's Scenario steps are about; the first is how it starts recording (a refused
    StartRecording fails API-START-RENAMED)."""
    return [START_CLAUSE[spec.start], "REC-STOP-ON-DESTROY", "WH-ARCHIVE-UNCHANGED"]


@dataclass
class SessionResult:
    """One line of the load run's results: what was done, how long each step took, what was judged."""

    number: int
    spec: SessionSpec
    channel: str = ""
    recording_id: str | None = None
    session_id: str | None = None
    clients: list[dict[str, Any]] = field(default_factory=list)  # connection_id and the signature each sent
    steps: dict[str, list[float]] = field(default_factory=dict)  # step -> seconds (connect: one per client)
    failed_steps: dict[str, str] = field(default_factory=dict)  # step -> why it failed
    outcomes: list[Outcome] = field(default_factory=list)
    failed_archives: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # could not judge (harness, reachability, a client that could not connect)
    abandoned: bool = False
    still_alive: bool = False  # the target did not destroy the session once everyone had left
    started: float = field(default_factory=time.time)
    ended: float = 0.0

    def timed(self, step: str, seconds: float) -> None:
        self.steps.setdefault(step, []).append(round(seconds, 4))

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "spec": self.spec.__dict__, "channel": self.channel,
                "recording_id": self.recording_id, "session_id": self.session_id, "clients": self.clients,
                "steps": self.steps,
                "failed_steps": self.failed_steps, "outcomes": [o.as_dict() for o in self.outcomes],
                "failed_archives": self.failed_archives, "error": self.error, "abandoned": self.abandoned,
                "still_alive": self.still_alive,
                "started": self.started, "ended": self.ended}


class RecordedSession:
    def __init__(self, scenario: Scenario, archive: ArchiveDir | None, spec: SessionSpec, result: SessionResult,
                 cancelled: threading.Event, label: str, strict: bool, log: Callable[[str], None],
                 connecting: threading.Lock) -> None:
        self.sora = scenario
        self.archive = archive
        self.spec = spec
        self.result = result
        self.cancelled = cancelled
        self.label = label
        self.strict = strict
        self.log = log
        self.connecting = connecting

    def run(self) -> SessionResult:
        try:
            self._record_and_judge()
        except Abandoned:
            self.result.abandoned = True
        except ClauseFailure as failure:  # a step the clause names did not happen (no recording.started, ...)
            self.result.outcomes.append(Outcome(failure.clause, Verdict.FAIL.value, "session", failure.title))
            self.result.failed_steps.setdefault("session", failure.title)
        except (HarnessError, ClientError) as exc:
            self.result.error = scrub_text(f"{type(exc).__name__}: {exc}")
        finally:
            self.sora.cleanup()
            self._destroyed()
            self.result.ended = time.time()
        return self.result

    def _destroyed(self) -> None:
        """Once every client has left, the target destroys the session (after its destroy delay)."""
        if not self.sora.session_ids:
            return  # no client got in: there is no session
        try:
            self.sora.wait_session_destroyed(self.result.channel, self.sora.session_ids[0])
        except ClauseFailure:
            self.result.still_alive = True

    def _record_and_judge(self) -> None:
        spec, sora = self.spec, self.sora
        channel = self.result.channel = sora.new_channel(self.label)
        params = spec.params()
        if spec.start == "session.created":
            sora.answer_session_created(channel, {"recording": True} | {f"recording_{k}": v for k, v in params.items()})
        # The client pool hands consecutive clients consecutive signatures (8 colours and tones): connected one
        # session at a time, a session's clients never share one, so each archive's content names its sender.
        with self.connecting:
            clients = [self._connect(channel) for _ in range(spec.clients)]
        asked = time.monotonic()
        if spec.start == "api":
            self._stop_if_cancelled()
            sora.start_recording(channel, **params)
        started = self._step("recording.started", lambda: sora.wait(
            "recording.started", channel, endpoint="session", clause=START_CLAUSE[spec.start]),
            since=self._session_created_at(channel, asked))
        self.result.recording_id = str(started.data().get("recording_id"))
        self.result.session_id = clients[0].session_id
        self.log(f"session {self.result.number} in {channel}: recording {self.result.recording_id}")
        if self.cancelled.wait(spec.hold):  # the recorded interval itself (sleep-ok), cut short only by a stop
            raise Abandoned()
        sora.leave(*clients)
        report = self._report(channel, time.monotonic())
        self._finished_archives(channel, report)
        self._judge(clients, params, report)

    def _connect(self, channel: str) -> SoraClient:
        """Timed from its own request (not from waiting for another session's connects)."""
        self._stop_if_cancelled()
        begun = time.monotonic()
        try:
            client = self.sora.connect(channel)
        except ClientError as exc:
            self.result.failed_steps["connect"] = scrub_text(str(exc))
            raise
        self.result.timed("connect", time.monotonic() - begun)
        self.result.clients.append({"connection_id": client.connection_id} | client.signature.as_dict())
        return client

    def _session_created_at(self, channel: str, asked: float) -> float:
        """recording.started is timed from session.created's arrival (answered "recording": true), or from the
        StartRecording call."""
        if self.spec.start != "session.created":
            return asked
        created = [w for w in self.sora.webhooks(channel) if w.type == "session.created"]
        return created[0].arrived if created else asked

    def _step(self, name: str, wait: Callable[[], Captured], since: float) -> Captured:
        self._stop_if_cancelled()
        try:
            found = wait()
        except ClauseFailure as failure:
            self.result.failed_steps[name] = failure.title
            raise
        self.result.timed(name, found.arrived - since)
        return found

    def _report(self, channel: str, left: float) -> Captured | None:
        """recording.report after the last client left (the session is destroyed, so the recording ends)."""
        recording_id = self.result.recording_id
        try:
            return self._step("recording.report", lambda: self.sora.wait(
                "recording.report", channel, endpoint="session", clause="REC-STOP-ON-DESTROY",
                timeout=self.spec.report_timeout, match=lambda r: r.data().get("recording_id") == recording_id),
                since=left)
        except ClauseFailure:
            return None  # judged below: a lost report fails REC-STOP-ON-DESTROY, and the files are still looked at

    def _finished_archives(self, channel: str, report: Captured | None) -> None:
        """The event webhooks of the archives the report lists may come after it: waited for, each with a
        deadline (the check says which never came)."""
        entries = report.data().get("archives") if report is not None else None
        kind = FINISHED[self.spec.output == "split"]
        for entry in entries if isinstance(entries, list) else []:
            cid = entry.get("connection_id") if isinstance(entry, dict) else None
            try:
                self.sora.wait(kind, channel, endpoint="event", clause="WH-ARCHIVE-UNCHANGED", match=_of(cid))
            except ClauseFailure:
                self.result.failed_steps.setdefault(kind, f"no {kind} for connection {cid}")

    def _judge(self, clients: list[SoraClient], params: dict[str, Any], report: Captured | None) -> None:
        self._stop_if_cancelled()
        begun = time.monotonic()
        recording = Recording(self.result.channel, str(self.result.recording_id), self.result.session_id, clients,
                              params, self.sora.webhooks(self.result.channel), report, self.archive, self.strict)
        self.result.outcomes += judge(recording, CHECKS)
        self.result.failed_archives = failed_archives(recording)
        self.result.timed("judge", time.monotonic() - begun)

    def _stop_if_cancelled(self) -> None:
        if self.cancelled.is_set():
            raise Abandoned()


def _of(connection_id: str | None) -> Callable[[Captured], bool]:
    return lambda webhook: webhook.data().get("connection_id") == connection_id
