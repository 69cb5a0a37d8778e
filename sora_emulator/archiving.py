"""A recording's per-connection archives: started when a connection records (its media written as it arrives),
finalised (files closed off the event loop, archive.* webhooks in order on the event webhook) when it leaves or
the recording stops."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from . import payloads
from .behaviour import Behaviour
from .media.writer import ArchiveMedia
from .recorder import Recorder
from .sending import Sending
from .state import Archive, Connection, Recording, State
from .webhooks import Hook


class Archiving:
    def __init__(self, state: State, recorder: Recorder, webhooks: Sending, clock: Callable[[], float],
                 behaviour: Behaviour, media_of: Callable[[str], Any],
                 on_node: Callable[[dict[str, Any], str], dict[str, Any]]) -> None:
        self._state = state
        self._on_node = on_node  # names the connection's cluster node in its webhooks
        self._behaviour = behaviour
        self._media_of = media_of  # connection_id -> its MediaTap (None once gone)
        self._media: dict[tuple[str, str], tuple[ArchiveMedia, list[Any]]] = {}  # (rec, conn) -> writer, taps
        self._recorder = recorder
        self._webhooks = webhooks
        self._clock = clock
        self._entries: dict[str, list[dict[str, Any]]] = {}  # recording_id -> report archive entries
        self._pending: dict[str, set[asyncio.Task[None]]] = {}  # recording_id -> finalisations in flight

    def open(self, recording: Recording, connection: Connection) -> None:
        archive = self._state.open_archive(recording, connection)
        if archive is not None:
            self._record_media(recording, archive)
            self._event("archive.started", recording, archive, {})
        elif connection.recording_block and not recording.legacy and self._behaviour.blocked_connection_reported:
            phantom = Archive(connection, self._clock())  # no files: only the webhook and the report entry
            self._event("archive.started", recording, phantom, {})
            self._entries.setdefault(recording.recording_id, []).append(payloads.archive_entry(recording, phantom, None))
        elif connection.recording_block and not self._behaviour.blocked_media_excluded:
            for (rid, _), (writer, taps) in self._media.items():
                if rid == recording.recording_id:
                    self._listen(writer, taps, connection.connection_id)

    def _record_media(self, recording: Recording, archive: Archive) -> None:
        """Starts writing what the connection sends into its archive files."""
        cid = archive.connection.connection_id
        writer = self._recorder.media_writer(recording, archive, self._clock)
        taps: list[Any] = []
        if not self._behaviour.archive_media_own:
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
        if not self._behaviour.blocked_media_excluded:
            for blocked in self._state.session_connections(recording.channel_id):
                if blocked.recording_block:
                    self._listen(writer, taps, blocked.connection_id)
        self._media[(recording.recording_id, cid)] = (writer, taps)

    def _listen(self, writer: ArchiveMedia, taps: list[Any], connection_id: str | None, tap: Any = None) -> None:
        tap = tap or (self._media_of(connection_id) if connection_id else None)
        if tap is not None:
            tap.subscribe(writer)
            taps.append(tap)

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
        writer, taps = self._media.pop((recording.recording_id, archive.connection.connection_id), (None, []))
        for tap in taps:
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
