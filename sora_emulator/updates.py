"""Periodic session.updated webhooks: Sora sends one per live session every interval (60 s by default).

Each session gets its own timer task from the moment its session.created has gone out until it is
destroyed; a stopped session never sends another session.updated.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from .state import Session

Send = Callable[[Session], Awaitable[None]]


class SessionUpdates:
    def __init__(self, interval: float, send: Send) -> None:
        self.interval = interval  # seconds; 0 or less: never sent
        self._send = send
        self._tasks: dict[str, asyncio.Task[None]] = {}  # session_id -> its timer

    def start(self, session: Session) -> None:
        if self.interval > 0 and session.session_id not in self._tasks:
            self._tasks[session.session_id] = asyncio.get_running_loop().create_task(self._tick(session))

    async def _tick(self, session: Session) -> None:
        while True:
            await asyncio.sleep(self.interval)  # Sora's own clock, not a wait on anything
            await self._send(session)

    async def stop(self, session_id: str) -> None:
        task = self._tasks.pop(session_id, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def close(self) -> None:
        for session_id in list(self._tasks):
            await self.stop(session_id)
