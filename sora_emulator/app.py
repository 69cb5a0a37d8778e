"""The emulator core: implements ConnectionHooks and the recording operations.

State changes happen in `State` (synchronous, so each is atomic on the event loop); this module turns
them into webhooks, timers and files.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from . import payloads
from .config import EmulatorConfig
from .errors import AlreadyRecording, ApiError, SessionNotFound
from .faults import Faults
from .hooks import ConnectDecision, ConnectRequest, SignalingControl
from .ids import new_id
from .media.writer import ArchiveMedia
from .params import UNSET, RecordingParams, session_recording_params
from .recorder import Recorder
from .state import Archive, Connection, Recording, Session, State
from .updates import SessionUpdates
from .webhooks import Hook, WebhookLog, WebhookSender

log = logging.getLogger("sora_emulator")


class EmulatorApp:
    def __init__(self, config: EmulatorConfig, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.faults = Faults(config.faults)
        self.clock = clock
        session_ids = (lambda: new_id().lower()) if self.faults.on("lowercase-session-id") else None
        self.state = State(clock, session_id_factory=session_ids)
        self.recorder = Recorder(config.archive_dir, self.faults, config.recording_dual_output)
        self.webhooks = WebhookSender(
            {Hook.AUTH: config.auth_webhook_url, Hook.SESSION: config.session_webhook_url,
             Hook.EVENT: config.event_webhook_url},
            WebhookLog(config.webhook_log_dir), config.webhook_timeout)
        self.signaling: SignalingControl | None = None
        self.updates = SessionUpdates(config.session_updated_webhook_interval, self._session_updated)
        self._destroy_timers: dict[str, asyncio.TimerHandle] = {}
        self._expiry_timers: dict[str, asyncio.TimerHandle] = {}
        self._entries: dict[str, list[dict[str, Any]]] = {}  # recording_id -> report archive entries
        self._pending: dict[str, set[asyncio.Task[None]]] = {}  # recording_id -> archive finalisations
        self._carried: dict[str, RecordingParams] = {}  # fault recording-spans-sessions
        self._media: dict[tuple[str, str], tuple[ArchiveMedia, list[Any]]] = {}  # (rec, conn) -> writer, taps
        self._tasks: set[asyncio.Task[Any]] = set()
        self.node_of: dict[str, str] = {}  # connection_id -> node_name (cluster: the node it connected to)
        self.api_node: dict[str, str] = {}  # channel_id -> node whose API last started / stopped its recording
        # Event webhooks go out in order from one sender, off the signaling path: a slow receiver must not
        # delay a client's connection.created notify.
        self._outbox: asyncio.Queue[tuple[Hook, dict[str, Any]] | None] | None = None
        self._sender: asyncio.Task[None] | None = None

    # --- ConnectionHooks -----------------------------------------------------------------------
    async def on_connect(self, request: ConnectRequest) -> ConnectDecision:
        answer: dict[str, Any] = {"allowed": True}
        if self.config.auth_webhook_url:
            body = payloads.auth_request(request, self._counts(request.channel_id), self.clock())
            delivery = await self.webhooks.send(Hook.AUTH, self._on_node(body, request.connection_id),
                                                request.connection_id)
            if not delivery.ok or not isinstance(delivery.body, dict):
                return ConnectDecision(False, reason="AUTH-WEBHOOK-ERROR")
            answer = delivery.body
            if answer.get("allowed") is not True:
                return ConnectDecision(False, reason=str(answer.get("reason") or "AUTH-WEBHOOK-REJECTED"))
        block = answer.get("recording_block") is True and not self.faults.on("ignore-recording-block")
        timer = self._destroy_timers.pop(request.channel_id, None)
        if timer is not None:
            timer.cancel()  # someone came back before the destroy delay ran out: the session lives on
        connection, created = self.state.add_connection(
            request.connection_id, request.channel_id, request.role,
            _str_or(answer.get("client_id"), request.client_id), _str_or(answer.get("bundle_id"), request.bundle_id),
            request.audio, request.video, block, reuse_session_id=self.faults.on("reuse-session-id"))
        if created is not None:
            await self._session_created(created)
        return ConnectDecision(True, session_id=connection.session_id, client_id=connection.client_id,
                               bundle_id=connection.bundle_id, offer_metadata=answer.get("metadata"))

    async def on_connected(self, connection_id: str) -> None:
        connection = self.state.connections.get(connection_id)
        if connection is None:
            return
        connection.connected = True
        await self._event(payloads.connection_event("connection.created", connection,
                                                    self._counts(connection.channel_id), self.clock()))
        recording = self.state.recordings.get(connection.channel_id)
        if recording is not None:
            await self._open_archive(recording, connection)

    async def on_disconnected(self, connection_id: str, reason: str) -> None:
        connection = self.state.remove_connection(connection_id)
        if connection is None:
            return
        recording = self.state.recordings.get(connection.channel_id)
        if recording is not None and not self.faults.on("finalise-at-stop-only"):
            archive = self.state.close_archive(recording, connection_id)
            if archive is not None:
                await self._track(recording, self._finalise(recording, archive))
        if connection.connected:
            await self._event(payloads.connection_event("connection.destroyed", connection,
                                                        self._counts(connection.channel_id), self.clock()))
        if self.state.session_is_empty(connection.channel_id, connection.session_id):
            loop = asyncio.get_running_loop()
            self._destroy_timers[connection.channel_id] = loop.call_later(
                self.config.session_destroy_delay, self._spawn_destroy, connection.channel_id, connection.session_id)

    # --- sessions --------------------------------------------------------------------------------
    async def _session_created(self, session: Session) -> None:
        created = payloads.session_created(session, self.clock())
        delivery = await self.webhooks.send(Hook.SESSION, created)
        if self.state.sessions.get(session.channel_id) is session:  # not destroyed while the webhook was out
            self.updates.start(session)
        answer = delivery.body if delivery.ok and isinstance(delivery.body, dict) else {}
        if "session_metadata" in answer:
            session.session_metadata = answer["session_metadata"]
        carried = self._carried.pop(session.channel_id, None)
        if carried is not None:
            await self.start_recording(carried, require_session=True)
            return
        if answer.get("recording") is not True or self.faults.on("ignore-session-created-recording"):
            return
        try:
            params = session_recording_params(
                answer | {"channel_id": session.channel_id}, self.config.recording_max_expire_time,
                self.config.recording_max_split_duration, self.faults, prefix="recording_")
            if self.faults.on("session-created-options-ignored"):
                params = RecordingParams(session.channel_id, None, False, None, UNSET)
            params = RecordingParams(session.channel_id, params.expire_time, params.split_only,
                                     params.split_duration, params.metadata)
            await self.start_recording(params, require_session=True)
        except ApiError as exc:
            self.webhooks.log.write(Hook.SESSION, created, f"session.created answer refused: {exc.message}", answer)

    async def _session_updated(self, session: Session) -> None:
        await self.webhooks.send(Hook.SESSION, payloads.session_updated(session, self.clock()))

    def _spawn_destroy(self, channel_id: str, session_id: str) -> None:
        self._destroy_timers.pop(channel_id, None)
        self._spawn(self.destroy_session(channel_id, session_id))

    async def destroy_session(self, channel_id: str, session_id: str | None = None) -> Session:
        session = self.state.session(channel_id, session_id)
        if session.connections and self.signaling is not None:
            for cid in list(session.connections):
                await self.signaling.disconnect(cid, "SESSION-TERMINATED")
        timer = self._destroy_timers.pop(channel_id, None)
        if timer is not None:
            timer.cancel()
        self.state.destroy_session(channel_id)
        await self.updates.stop(session.session_id)
        recording = self.state.recordings.get(channel_id)
        if recording is not None and self._ends_with_session(recording):
            await self.stop_recording(channel_id, session)
        await self.webhooks.send(Hook.SESSION, payloads.session_destroyed(session, self.clock()))
        return session

    def _ends_with_session(self, recording: Recording) -> bool:
        if recording.legacy:
            return self.faults.on("legacy-stops-on-destroy")
        if self.faults.on("recording-survives-destroy"):
            return False
        if self.faults.on("expire-outlives-destroy") and recording.expires_at is not None:
            return False
        if self.faults.on("recording-spans-sessions"):
            self._carried[recording.channel_id] = recording.params
        return True

    # --- recordings ------------------------------------------------------------------------------
    async def start_recording(self, params: RecordingParams, *, require_session: bool) -> Recording:
        if not params.legacy and self.faults.on("legacy-blocks-session-recording"):
            if any(r.legacy for r in self.state.recordings.values()):
                raise AlreadyRecording("a legacy recording is running")
        recording = self.state.start_recording(params, require_session=require_session)
        self._entries[recording.recording_id] = []
        expires_at = recording.expires_at
        if expires_at is not None and not self.faults.on("expire-ignored"):
            loop = asyncio.get_running_loop()
            self._expiry_timers[recording.recording_id] = loop.call_later(
                max(0.0, expires_at - self.clock()), self._spawn_expiry, recording)
        session = self.state.sessions.get(recording.channel_id)
        await self._recording_webhook("recording.started", recording, session)
        for connection in list(session.connections.values()) if session else []:
            if connection.connected:
                await self._open_archive(recording, connection)
        return recording

    def _spawn_expiry(self, recording: Recording) -> None:
        self._expiry_timers.pop(recording.recording_id, None)
        if self.state.recordings.get(recording.channel_id) is recording:
            self._spawn(self.stop_recording(recording.channel_id))

    async def stop_recording(self, channel_id: str, session: Session | None = None) -> Recording:
        """`session` is the recorded session when it is being destroyed (no longer in the state)."""
        recording, closed = self.state.stop_recording(channel_id)
        timer = self._expiry_timers.pop(recording.recording_id, None)
        if timer is not None:
            timer.cancel()
        for archive in closed:
            await self._track(recording, self._finalise(recording, archive))
        pending = self._pending.pop(recording.recording_id, set())
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        entries = self._entries.pop(recording.recording_id, [])
        report = await asyncio.to_thread(self.recorder.write_report, recording, entries)
        session = session or self.state.sessions.get(channel_id)
        await self._recording_webhook("recording.report", recording, session, report)
        return recording

    async def _open_archive(self, recording: Recording, connection: Connection) -> None:
        archive = self.state.open_archive(recording, connection)
        if archive is not None:
            self._record_media(recording, archive)
            await self._archive_event("archive.started", recording, archive, {})
        elif connection.recording_block and not recording.legacy and self.faults.on("blocked-connection-reported"):
            phantom = Archive(connection, self.clock())  # no files: only the webhook and the report entry
            await self._archive_event("archive.started", recording, phantom, {})
            self._entries.setdefault(recording.recording_id, []).append(payloads.archive_entry(recording, phantom, None))
        elif connection.recording_block and self.faults.on("blocked-media-mixed"):
            for (rid, _), (writer, taps) in self._media.items():
                if rid == recording.recording_id:
                    self._listen(writer, taps, connection.connection_id)

    def _record_media(self, recording: Recording, archive: Archive) -> None:
        """Starts writing what the connection sends into its archive files."""
        if self.faults.on("no-files"):
            return
        cid = archive.connection.connection_id
        writer = ArchiveMedia(self.recorder.directory(recording), self.recorder.media_layouts(recording, cid),
                              archive.start_time, archive.connection.video is not False,
                              archive.connection.audio is not False, self.faults, self.clock)
        taps: list[Any] = []
        if self.faults.on("archive-media-swapped"):
            other = next(((w, t) for (rid, _), (w, t) in self._media.items() if rid == recording.recording_id), None)
            if other is not None:  # each writer now records the other connection
                self._media[(recording.recording_id, cid)] = (writer, taps)
                for tap in other[1]:
                    tap.unsubscribe(other[0])
                    self._listen(writer, taps, None, tap)
                other[1].clear()
                self._listen(other[0], other[1], cid)
                return
        self._listen(writer, taps, cid)
        if self.faults.on("blocked-media-mixed"):
            for blocked in self.state.session_connections(recording.channel_id):
                if blocked.recording_block:
                    self._listen(writer, taps, blocked.connection_id)
        self._media[(recording.recording_id, cid)] = (writer, taps)

    def _listen(self, writer: ArchiveMedia, taps: list[Any], connection_id: str | None, tap: Any = None) -> None:
        tap = tap or (self.signaling.media(connection_id) if self.signaling and connection_id else None)
        if tap is not None:
            tap.subscribe(writer)
            taps.append(tap)

    async def _finalise(self, recording: Recording, archive: Archive) -> None:
        writer, taps = self._media.pop((recording.recording_id, archive.connection.connection_id), (None, []))
        for tap in taps:
            tap.unsubscribe(writer)
        written = await asyncio.to_thread(self.recorder.finalise_archive, recording, archive, writer)
        self._entries.setdefault(recording.recording_id, []).append(written.entry)
        for kind, extras in written.events:
            await self._archive_event(kind, recording, archive, extras)

    async def _track(self, recording: Recording, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._pending.setdefault(recording.recording_id, set()).add(task)
        try:
            await task
        finally:
            self._pending.get(recording.recording_id, set()).discard(task)

    # --- webhook helpers -------------------------------------------------------------------------
    async def _recording_webhook(self, kind: str, recording: Recording, session: Session | None,
                                 report: dict[str, Any] | None = None) -> None:
        if recording.legacy and session is not None and session.session_id != recording.session_id:
            session = None
        body = payloads.recording_webhook(kind, recording, session if not recording.legacy else None,
                                          self.clock(), self.faults, report)
        if recording.channel_id in self.api_node:
            body["node_name"] = self.api_node[recording.channel_id]
        if recording.legacy:  # legacy recording webhooks belong on the event webhook
            on_event = not self.faults.on("legacy-webhook-on-session")
        else:
            on_event = self.faults.on("recording-webhook-on-event")
        if on_event:
            self._post_in_order(Hook.EVENT, body)
        else:
            await self.webhooks.send(Hook.SESSION, body)

    async def _archive_event(self, kind: str, recording: Recording, archive: Archive, extras: dict[str, Any]) -> None:
        body = self._on_node(payloads.archive_event(kind, recording, archive, self.clock(), extras),
                             archive.connection.connection_id)
        hook = Hook.SESSION if self.faults.on("archive-webhook-on-session") else Hook.EVENT
        self._post_in_order(hook, body)

    async def _event(self, body: dict[str, Any]) -> None:
        self._post_in_order(Hook.EVENT, self._on_node(body, str(body.get("connection_id"))))

    def _on_node(self, body: dict[str, Any], connection_id: str) -> dict[str, Any]:
        """A cluster node's webhooks name that node (node_name), like each Sora node's."""
        if connection_id in self.node_of:
            body["node_name"] = self.node_of[connection_id]
        return body

    def _post_in_order(self, hook: Hook, body: dict[str, Any]) -> None:
        if self._outbox is None:
            self._outbox = asyncio.Queue()
            self._sender = asyncio.get_running_loop().create_task(self._send_outbox(self._outbox))
        self._outbox.put_nowait((hook, body))

    async def _send_outbox(self, outbox: asyncio.Queue[tuple[Hook, dict[str, Any]] | None]) -> None:
        while (item := await outbox.get()) is not None:
            try:
                await self.webhooks.send(*item)
            finally:
                outbox.task_done()

    def _counts(self, channel_id: str) -> dict[str, int]:
        session = self.state.sessions.get(channel_id)
        counts: dict[str, int] = {}
        for c in session.connections.values() if session else []:
            if c.connected:
                counts[c.role] = counts.get(c.role, 0) + 1
        return counts

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_log_failure)

    def background_work(self) -> int:
        """Tasks and queued event webhooks still in flight."""
        return len(self._tasks) + (self._outbox.qsize() if self._outbox is not None else 0)

    async def settle(self) -> None:
        """Waits until background work in flight (timers' tasks, then the webhooks they queued) is done."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._outbox is not None:
            await self._outbox.join()

    async def close(self) -> None:
        for timer in [*self._destroy_timers.values(), *self._expiry_timers.values()]:
            timer.cancel()
        self._destroy_timers.clear()
        self._expiry_timers.clear()
        await self.updates.close()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._outbox is not None and self._sender is not None:
            self._outbox.put_nowait(None)  # what is queued still goes out, then the sender ends
            await asyncio.gather(self._sender, return_exceptions=True)
        await self.webhooks.close()


def _str_or(value: Any, fallback: str | None) -> str | None:
    return value if isinstance(value, str) and value else fallback


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None and not isinstance(task.exception(), SessionNotFound):
        log.error("emulator task failed", exc_info=task.exception())
