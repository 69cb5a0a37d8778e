"""Work the emulator starts on its own (a destroy delay or an expiry ran out): tracked, so that it can be awaited
before a leak check or shutdown, and a failure is logged rather than lost."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from .errors import SessionNotFound

log = logging.getLogger("sora_emulator")


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_log_failure)

    def __len__(self) -> int:
        return len(self._tasks)

    async def settle(self) -> None:
        """Waits for the work in flight now (not for work it starts in turn)."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None and not isinstance(task.exception(), SessionNotFound):
        log.error("emulator task failed", exc_info=task.exception())
