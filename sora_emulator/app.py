"""The emulator core: implements ConnectionHooks and the recording operations.

State changes happen in `State` (synchronous, so each is atomic on the event loop); this module turns
them into webhooks, timers and files. The app owns the active faults and hands each seam its part: the rules,
the policies that decide (policies.py: Sora's, or the one a fault puts in its place), the sending seam's webhook
changes, the disk's file changes, the media writer's frame and container changes; dispatch asks `app.faults` for
API answers.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from . import payloads
from .archiving import Archiving
from .background import Background
from .config import EmulatorConfig
from .errors import AlreadyRecording, ApiError
from .faults import ActiveFaults
from .files import Disk
from .hooks import ConnectDecision, ConnectRequest, SignalingControl
from .params import RecordingParams, RecordingRules
from .policies import ArchiveOutputs, ArchivePolicy, RecordingApi, SessionLifecycle
from .recorder import Recorder
from .sending import Sending
from .state import Recording, Session, State
from .updates import SessionUpdates
from .webhooks import Hook, WebhookLog, WebhookSender


class EmulatorApp:
    def __init__(self, config: EmulatorConfig, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.faults = faults = ActiveFaults(config.faults)
        self.rules = faults.rules(RecordingRules(config.recording_max_expire_time, config.recording_max_split_duration))
        self.lifecycle = faults.policy(SessionLifecycle)()
        self.recording_api = faults.policy(RecordingApi)(legacy_recording=config.legacy_recording)
        self.clock = clock
        self.state = State(clock, session_id_factory=self.lifecycle.session_id)
        outputs = faults.policy(ArchiveOutputs)(recording_dual_output=config.recording_dual_output)
        self.recorder = Recorder(config.archive_dir, Disk(faults.file), outputs, faults.media())
        self.webhooks = Sending(WebhookSender(
            {Hook.AUTH: config.auth_webhook_url, Hook.SESSION: config.session_webhook_url,
             Hook.EVENT: config.event_webhook_url},
            WebhookLog(config.webhook_log_dir), config.webhook_timeout), self.faults.webhook)
        self.node_of: dict[str, str] = {}  # connection_id -> node_name (cluster: the node it connected to)
        self.api_node: dict[str, str] = {}  # channel_id -> node whose API last started / stopped its recording
        self.archiving = Archiving(self.state, self.recorder, self.webhooks, clock, faults.policy(ArchivePolicy)(),
                                   lambda cid: self.signaling.media(cid) if self.signaling else None, self._on_node)
        self.signaling: SignalingControl | None = None
        self.updates = SessionUpdates(config.session_updated_webhook_interval, self._session_updated)
        self._destroy_timers: dict[str, asyncio.TimerHandle] = {}
        self._expiry_timers: dict[str, asyncio.TimerHandle] = {}
        self._carried: dict[str, RecordingParams] = {}  # channel_id -> the recording its next session starts with
        self.background = Background()

    # --- ConnectionHooks -----------------------------------------------------------------------
    async def on_connect(self, request: ConnectRequest) -> ConnectDecision:
        answer: dict[str, Any] = {"allowed": True}
        if self.config.auth_webhook_url:
            asked = payloads.auth_request(request, self.state.connected_by_role(request.channel_id), self.clock())
            delivery = await self.webhooks.send(Hook.AUTH, self._on_node(asked, request.connection_id),
                                                request.connection_id)
            if not delivery.ok or not isinstance(delivery.body, dict):
                return ConnectDecision(False, reason="AUTH-WEBHOOK-ERROR")
            answer = delivery.body
            if answer.get("allowed") is not True:
                return ConnectDecision(False, reason=str(answer.get("reason") or "AUTH-WEBHOOK-REJECTED"))
        block = self.archiving.policy.recording_blocked(answer)
        timer = self._destroy_timers.pop(request.channel_id, None)
        if timer is not None:
            timer.cancel()  # someone came back before the destroy delay ran out: the session lives on
        connection, created = self.state.add_connection(
            request.connection_id, request.channel_id, request.role,
            _str_or(answer.get("client_id"), request.client_id), _str_or(answer.get("bundle_id"), request.bundle_id),
            request.audio, request.video, block)
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
                                                    self.state.connected_by_role(connection.channel_id), self.clock()))
        recording = self.state.recordings.get(connection.channel_id)
        if recording is not None:
            self.archiving.open(recording, connection)

    async def on_disconnected(self, connection_id: str, reason: str) -> None:
        connection = self.state.remove_connection(connection_id)
        if connection is None:
            return
        recording = self.state.recordings.get(connection.channel_id)
        if recording is not None:
            await self.archiving.connection_left(recording, connection_id)
        if connection.connected:
            counts = self.state.connected_by_role(connection.channel_id)
            await self._event(payloads.connection_event("connection.destroyed", connection, counts, self.clock()))
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
        try:
            params = self.lifecycle.recording_asked(answer, session.channel_id, self.rules)
            if params is not None:
                await self.start_recording(params, require_session=True)
        except ApiError as exc:
            self.webhooks.log.write(Hook.SESSION, created, f"session.created answer refused: {exc.message}", answer)

    async def _session_updated(self, session: Session) -> None:
        await self.webhooks.send(Hook.SESSION, payloads.session_updated(session, self.clock()))

    def _spawn_destroy(self, channel_id: str, session_id: str) -> None:
        self._destroy_timers.pop(channel_id, None)
        self.background.spawn(self.destroy_session(channel_id, session_id))

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
        if recording is not None and self.lifecycle.ends_with_session(recording):
            if self.lifecycle.carried_over(recording):
                self._carried[channel_id] = recording.params  # before the stop's awaits: the next session may come
            await self.stop_recording(channel_id, session)
        await self.webhooks.send(Hook.SESSION, payloads.session_destroyed(session, self.clock()))
        return session

    # --- recordings ------------------------------------------------------------------------------
    async def start_recording(self, params: RecordingParams, *, require_session: bool) -> Recording:
        conflict = self.recording_api.conflict(params, self.state.recordings.values())
        if conflict is not None:
            raise AlreadyRecording(conflict)
        recording = self.state.start_recording(self.recording_api.recorded(params), require_session=require_session)
        expires_at = self.lifecycle.expiry(recording)
        if expires_at is not None:
            loop = asyncio.get_running_loop()
            self._expiry_timers[recording.recording_id] = loop.call_later(
                max(0.0, expires_at - self.clock()), self._spawn_expiry, recording)
        session = self.state.sessions.get(recording.channel_id)
        await self._recording_webhook("recording.started", recording, session)
        for connection in list(session.connections.values()) if session else []:
            if connection.connected:
                self.archiving.open(recording, connection)
        return recording

    def _spawn_expiry(self, recording: Recording) -> None:
        self._expiry_timers.pop(recording.recording_id, None)
        if self.state.recordings.get(recording.channel_id) is recording:
            self.background.spawn(self.stop_recording(recording.channel_id))

    async def stop_recording(self, channel_id: str, session: Session | None = None) -> Recording:
        """`session` is the recorded session when it is being destroyed (no longer in the state)."""
        recording, closed = self.state.stop_recording(channel_id)
        timer = self._expiry_timers.pop(recording.recording_id, None)
        if timer is not None:
            timer.cancel()
        for archive in closed:
            await self.archiving.close(recording, archive)
        report = await asyncio.to_thread(self.recorder.write_report, recording, await self.archiving.entries(recording))
        session = session or self.state.sessions.get(channel_id)
        await self._recording_webhook("recording.report", recording, session, report)
        return recording

    # --- webhook helpers -------------------------------------------------------------------------
    async def _recording_webhook(self, kind: str, recording: Recording, session: Session | None,
                                 report: dict[str, Any] | None = None) -> None:
        if recording.legacy and session is not None and session.session_id != recording.session_id:
            session = None
        body = payloads.recording_webhook(kind, recording, session if not recording.legacy else None,
                                          self.clock(), report)
        if recording.channel_id in self.api_node:
            body["node_name"] = self.api_node[recording.channel_id]
        if recording.legacy:  # legacy recording webhooks belong on the event webhook, in order with archive.*
            self.webhooks.post_in_order(Hook.EVENT, body)
        else:
            await self.webhooks.send(Hook.SESSION, body)

    async def _event(self, body: dict[str, Any]) -> None:
        self.webhooks.post_in_order(Hook.EVENT, self._on_node(body, str(body.get("connection_id"))))

    def _on_node(self, body: dict[str, Any], connection_id: str) -> dict[str, Any]:
        """A cluster node's webhooks name that node (node_name), like each Sora node's."""
        if connection_id in self.node_of:
            body["node_name"] = self.node_of[connection_id]
        return body

    def background_work(self) -> int:
        """Tasks and queued event webhooks still in flight."""
        return len(self.background) + self.webhooks.queued()

    async def settle(self) -> None:
        """Waits until background work in flight (timers' tasks, then the webhooks they queued) is done."""
        await self.background.settle()
        await self.webhooks.join()

    async def close(self) -> None:
        for timer in [*self._destroy_timers.values(), *self._expiry_timers.values()]:
            timer.cancel()
        self._destroy_timers.clear()
        self._expiry_timers.clear()
        await self.updates.close()
        await self.background.settle()
        await self.webhooks.close()


def _str_or(value: Any, fallback: str | None) -> str | None:
    return value if isinstance(value, str) and value else fallback

