"""A recording's per-connection archives: started when a connection records, finalised (files written off the
event loop, archive.* webhooks in order on the event webhook) when it leaves or the recording stops."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from . import payloads
from .recorder import Recorder
from .sending import Sending
from .state import Archive, Connection, Recording, State
from .webhooks import Hook


class Archiving:
    def __init__(self, state: State, recorder: Recorder, webhooks: Sending, clock: Callable[[], float]) -> None:
        self._state = state
        self._recorder = recorder
        self._webhooks = webhooks
        self._clock = clock
        self._entries: dict[str, list[dict[str, Any]]] = {}  # recording_id -> report archive entries
        self._pending: dict[str, set[asyncio.Task[None]]] = {}  # recording_id -> finalisations in flight

    def open(self, recording: Recording, connection: Connection) -> None:
        archive = self._state.open_archive(recording, connection)
        if archive is not None:
            self._event("archive.started", recording, archive, {})

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
        written = await asyncio.to_thread(self._recorder.finalise_archive, recording, archive)
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
        self._webhooks.post_in_order(Hook.EVENT, payloads.archive_event(kind, recording, archive, self._clock(),
                                                                        extras))
