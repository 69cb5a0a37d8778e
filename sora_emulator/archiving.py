"""A recording's per-connection archives: started when a connection records (its media written as it arrives),
finalised (files closed off the event loop, archive.* webhooks in order on the event webhook) when it leaves or
the recording stops. Who is recorded into which archive, and when an archive ends, is the `ArchivePolicy`'s to say."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from . import payloads
from .media.writer import ArchiveMedia
from .policies import ArchivePolicy
from .recorder import Recorder
from .sending import Sending
from .state import Archive, Connection, Recording, State
from .webhooks import Hook


@dataclass
class _Writing:
    """One open archive's media writer and the taps it listens to, by connection."""

    writer: ArchiveMedia
    taps: dict[str, Any] = field(default_factory=dict)  # connection_id -> its MediaTap


class Archiving:
    def __init__(self, state: State, recorder: Recorder, webhooks: Sending, clock: Callable[[], float],
                 policy: ArchivePolicy, media_of: Callable[[str], Any],
                 on_node: Callable[[dict[str, Any], str], dict[str, Any]]) -> None:
        self.policy = policy
        self._state = state
        self._on_node = on_node  # names the connection's cluster node in its webhooks
        self._media_of = media_of  # connection_id -> its MediaTap (None once gone)
        self._writing: dict[tuple[str, str], _Writing] = {}  # (recording_id, connection_id), in opening order
        self._recorder = recorder
        self._webhooks = webhooks
        self._clock = clock
        self._entries: dict[str, list[dict[str, Any]]] = {}  # recording_id -> report archive entries
        self._pending: dict[str, set[asyncio.Task[None]]] = {}  # recording_id -> finalisations in flight

    def open(self, recording: Recording, connection: Connection) -> None:
        archive = self._state.open_archive(recording, connection)
        if archive is not None:
            writer = self._recorder.media_writer(recording, archive, self._clock)
            self._writing[(recording.recording_id, connection.connection_id)] = _Writing(writer)
            self._route(recording)
            self._event("archive.started", recording, archive, {})
            return
        if connection.recording_block and self.policy.reports_blocked(recording, connection):
            phantom = Archive(connection, self._clock())  # no files: only the webhook and the report entry
            self._event("archive.started", recording, phantom, {})
            self._entries.setdefault(recording.recording_id, []).append(payloads.archive_entry(recording, phantom, None))
        self._route(recording)  # a connection without an archive may still be recorded into the others'

    def _route(self, recording: Recording) -> None:
        """Subscribes each open archive's writer to the connections the policy records into it, and only them."""
        rid = recording.recording_id
        recorded = [cid for (r, cid) in self._writing if r == rid]
        blocked = [c.connection_id for c in self._state.session_connections(recording.channel_id) if c.recording_block]
        for own in recorded:
            writing = self._writing[(rid, own)]
            wanted = self.policy.sources(own, recorded, blocked)
            for cid in [cid for cid in writing.taps if cid not in wanted]:
                writing.taps.pop(cid).unsubscribe(writing.writer)
            for cid in [cid for cid in dict.fromkeys(wanted) if cid not in writing.taps]:
                if (tap := self._media_of(cid)) is not None:
                    tap.subscribe(writing.writer)
                    writing.taps[cid] = tap

    async def connection_left(self, recording: Recording, connection_id: str) -> None:
        """Finalises the connection's archive now, unless the policy keeps it open until the recording stops."""
        if self.policy.ends_when_connection_leaves(recording):
            archive = self._state.close_archive(recording, connection_id)
            if archive is not None:
                await self.close(recording, archive)

    async def close(self, recording: Recording, archive: Archive) -> None:
        """Finalises a closed archive; `entries` waits for it even if this caller is cancelled."""
        await self._track(recording, self._finalise(recording, archive))

    async def entries(self, recording: Recording) -> list[dict[str, Any]]:
        """The report's archive entries, once every finalisation of the recording is done."""
        pending = self._pending.pop(recording.recording_id, set())
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        return self._entries.pop(recording.recording_id, [])

    async def _finalise(self, recording: Recording, archive: Archive) -> None:
        writing = self._writing.pop((recording.recording_id, archive.connection.connection_id), None)
        writer = writing.writer if writing else None
        for tap in writing.taps.values() if writing else []:
            tap.unsubscribe(writer)
        written = await asyncio.to_thread(self._recorder.finalise_archive, recording, archive, writer)
        self._entries.setdefault(recording.recording_id, []).append(written.entry)
        for kind, extras in written.events:
            self._event(kind, recording, archive, extras)

    async def _track(self, recording: Recording, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._pending.setdefault(recording.recording_id, set()).add(task)
        try:
            await task
        finally:
            self._pending.get(recording.recording_id, set()).discard(task)

    def _event(self, kind: str, recording: Recording, archive: Archive, extras: dict[str, Any]) -> None:
        body = payloads.archive_event(kind, recording, archive, self._clock(), extras)
        self._webhooks.post_in_order(Hook.EVENT, self._on_node(body, archive.connection.connection_id))
