"""What a conformance test does, in the spec's words: open sessions, record, wait for webhooks, read files.

One `Scenario` per test (the `sora` fixture). It owns every channel, client and recording the test makes
and cleans them up afterwards, whatever happened.
"""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

from ..clients import ClientError, ClientPool, SoraClient
from .capture import TAG_KEY, Captured, CaptureServer
from .config import HarnessConfig
from .profile import TargetProfile
from .target import Exchange, SoraApi, TargetError
from .targets import Target
from .verdict import Checker, ClauseFailure, HarnessError

WEBHOOK_TIMEOUT = 10.0  # seconds, before the multiplier


@dataclass
class Recorded:
    """A recording a test set up: its channel, its first client and its recording.started."""

    channel: str
    client: SoraClient
    started: Captured
    recording_id: str
    session_id: str | None


class Scenario:
    def __init__(self, config: HarnessConfig, profile: TargetProfile, target: Target, capture: CaptureServer,
                 pool: ClientPool, checker: Checker, evidence: Callable[[str, Any], None]) -> None:
        self.config = config
        self.profile = profile
        self.target = target
        self.capture = capture
        self.pool = pool
        self.checker = checker
        self.evidence = evidence
        self.exchanges: list[Exchange] = []
        self.api = SoraApi(target.api_url, dict(config.api_headers), timeout=config.timeout(10),
                           on_exchange=self._record_exchange)
        self.channels: list[str] = []
        self.clients: list[SoraClient] = []
        self.recording_channels: set[str] = set()
        self.files_read: list[Path] = []

    # --- channels, answers, clients ------------------------------------------------------------
    def new_channel(self, label: str = "") -> str:
        channel = f"{self.config.run_prefix}-{label + '-' if label else ''}{uuid.uuid4().hex[:10]}"
        self.channels.append(channel)
        return channel

    def answer_session_created(self, channel: str, answer: dict[str, Any]) -> None:
        self.capture.answer(channel, "session.created", answer)

    def connect(self, channel: str, role: str = "sendonly", auth_answer: dict[str, Any] | None = None) -> SoraClient:
        metadata: dict[str, Any] = {}
        if auth_answer is not None:
            tag = uuid.uuid4().hex[:12]
            metadata[TAG_KEY] = tag
            self.capture.answer(channel, f"auth:{tag}", auth_answer)
        if self.config.secret_key:
            claims = {"channel_id": channel, "exp": int(time.time()) + 300}
            metadata["access_token"] = jwt.encode(claims, self.config.secret_key, algorithm="HS256")
        client = self.pool.connect(self.target.signaling_urls, channel, role, metadata or None,
                                   timeout=WEBHOOK_TIMEOUT)
        self.clients.append(client)
        return client

    def leave(self, *clients: SoraClient) -> None:
        for client in clients:
            client.disconnect(timeout=self.config.timeout(10))

    # --- API -------------------------------------------------------------------------------------
    def call(self, target: str, body: Any) -> Exchange:
        """Any API call, kept as evidence, whatever its status."""
        return self.api.call(target, body)

    def get_session(self, channel: str, session_id: str | None) -> Exchange:
        """GetSession as Shiguredo's devtools sends it: with the session_id whenever it is known."""
        return self.call("Sora_20231220.GetSession", {"channel_id": channel} | ({"session_id": session_id}
                                                                                if session_id else {}))

    def start_recording(self, channel: str, **params: Any) -> Any:
        answer = self.api.start_recording(channel, **params)
        self.recording_channels.add(channel)
        return answer

    def _record_exchange(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)
        self.evidence(f"API {exchange.target} -> {exchange.status}", exchange.as_evidence())

    # --- webhooks ------------------------------------------------------------------------------
    def wait(self, kind: str, channel: str, clause: str, *, endpoint: str | None = None, after: int = 0,
             timeout: float = WEBHOOK_TIMEOUT, match: Callable[[Captured], bool] | None = None) -> Captured:
        from ..reporting.progress import waiting

        with waiting(f"{kind} on channel {channel} [{clause}]"):
            try:
                return self.capture.wait_for(kind, channel, clause=clause, timeout=self.config.timeout(timeout),
                                             endpoint=endpoint, after=after, match=match)
            except AssertionError as exc:
                raise ClauseFailure(clause, str(exc).split("] ", 1)[-1], f"{kind} within {timeout:.0f} s") from None

    def wait_session_destroyed(self, channel: str, session_id: str | None, clause: str) -> Captured:
        """Waits out the target's destroy delay (profile) for session.destroyed of that session."""
        return self.wait("session.destroyed", channel, clause, endpoint="session",
                         timeout=self.profile.session_destroy_delay + WEBHOOK_TIMEOUT,
                         match=lambda r: session_id is None or r.data().get("session_id") == session_id)

    def nothing(self, kind: str, channel: str, *, within: float = 1.0, after: int = 0,
                match: Callable[[Captured], bool] | None = None) -> Captured | None:
        """Waits `within` seconds for a webhook that must not come; returns it if it came anyway."""
        return self.capture.none_within(kind, channel, within=self.config.timeout(within), after=after, match=match)

    def mark(self) -> int:
        """A point in the webhook log: later waits can ask for what came after it."""
        return self.capture.last_seq()

    # --- composite steps the suites share -------------------------------------------------------------
    def recording(self, clause: str, *, via: str = "api", session_metadata: Any = None, role: str = "sendonly",
                  **params: Any) -> Recorded:
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
        started = self.wait("recording.started", channel, clause, endpoint="session")
        recording_id = started.data().get("recording_id")
        self.recording_channels.add(channel)
        return Recorded(channel, client, started, str(recording_id), client.session_id)

    def end_session(self, rec: Recorded, clause: str) -> Captured:
        """Every client leaves; returns session.destroyed once the target's destroy delay has run."""
        self.leave(*[c for c in self.clients if c.channel_id == rec.channel and c.close_info is None])
        return self.wait_session_destroyed(rec.channel, rec.session_id, clause)

    def recording_webhook(self, rec: Recorded, kind: str, clause: str) -> Captured:
        """recording.started as it came, or recording.report once StopRecording has ended the recording."""
        if kind == "recording.started":
            return rec.started
        self.api.stop_recording(rec.channel)
        return self.report_webhook(rec, clause)

    def report_webhook(self, rec: Recorded, clause: str, timeout: float = WEBHOOK_TIMEOUT) -> Captured:
        return self.wait("recording.report", rec.channel, clause, endpoint="session", timeout=timeout,
                         match=lambda r: r.data().get("recording_id") == rec.recording_id)

    # --- files ------------------------------------------------------------------------------------
    def recording_dir(self, recording_id: str) -> Path:
        if self.target.archive_dir is None:
            raise HarnessError("archive_dir is not readable here (--archive-dir)")
        return self.target.archive_dir / recording_id

    def read_json(self, path: Path) -> Any:
        self.files_read.append(path)
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ClauseFailure("FILES-IN-ARCHIVE-DIR", f"cannot read {path.name}", "a readable JSON file",
                                f"{type(exc).__name__}: {exc}") from None
        self.evidence(f"file {path.name}", content)
        return content

    def reports_for_channel(self, channel: str, since: float) -> list[Path]:
        """Report files of this channel's recordings written since `since` (wall clock): only recent
        directories are opened, so a busy archive_dir stays cheap to scan."""
        if self.target.archive_dir is None or not self.target.archive_dir.is_dir():
            return []
        found = []
        for directory in self.target.archive_dir.iterdir():
            if not directory.is_dir() or directory.stat().st_mtime < since - 1:
                continue
            for report in directory.glob("report-*.json"):
                try:
                    if json.loads(report.read_text(encoding="utf-8")).get("channel_id") == channel:
                        found.append(report)
                except (OSError, ValueError):
                    continue
        return found

    def stopped_report_file(self, rec: Recorded, clause: str) -> Any:
        """StopRecording, then the report file once recording.report says it is written."""
        self.api.stop_recording(rec.channel)
        self.report_webhook(rec, clause)
        return self.report_file(rec.recording_id)

    def report_file(self, recording_id: str) -> Any:
        path = self.recording_dir(recording_id) / f"report-{recording_id}.json"
        if not path.is_file():
            raise ClauseFailure("FILES-IN-ARCHIVE-DIR", f"report-{recording_id}.json is not in archive_dir",
                                f"{path} exists", "missing")
        return self.read_json(path)

    # --- checks -------------------------------------------------------------------------------------
    def check(self, clause: str, condition: bool, title: str, expected: list[str] | str = "",
              actual: Any = None) -> bool:
        return self.checker.check(clause, condition, title, expected, actual)

    def refused(self, exchange: Exchange, clause: str, what: str) -> None:
        """A call the clause says must be refused: non-2xx; the error body shape is a should (API-ERROR-TYPE)."""
        self.check(clause, not exchange.ok, f"{what} was accepted", "a 4xx refusal",
                   {"status": exchange.status, "body": exchange.response})
        body = exchange.response
        self.check("API-ERROR-TYPE", 400 <= exchange.status < 500 and isinstance(body, dict)
                   and isinstance(body.get("error_type"), str), f"refusal of {what} has no error_type",
                   "4xx with a JSON body carrying error_type", {"status": exchange.status, "body": body})

    # --- cleanup --------------------------------------------------------------------------------------
    def cleanup(self) -> list[str]:
        """Closes every client and stops every recording this test started; returns what went wrong."""
        problems = []
        for client in self.clients:
            try:
                client.disconnect(timeout=self.config.timeout(10))
            except ClientError as exc:
                problems.append(f"client {client.connection_id}: {exc}")
        for channel in self.recording_channels:
            try:
                self.api.stop_recording(channel)
            except (TargetError, HarnessError):
                pass  # already ended, which is what most tests expect
        return problems
