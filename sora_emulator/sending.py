"""The sending seam: every webhook the emulator sends passes here, where webhook faults apply.

Event webhooks can go out in order from one queue, off the signaling path: a slow receiver must not delay a
client's connection.created notify.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .faults.model import Outgoing
from .webhooks import Delivery, Hook, WebhookLog, WebhookSender

Change = Callable[[Hook, dict[str, Any]], Outgoing]


class Sending:
    def __init__(self, sender: WebhookSender, change: Change) -> None:
        self._sender = sender
        self._change = change
        self._outbox: asyncio.Queue[tuple[Hook, dict[str, Any]] | None] | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def log(self) -> WebhookLog:
        return self._sender.log

    async def send(self, hook: Hook, body: dict[str, Any], connection_id: str | None = None) -> Delivery:
        """Sends now and returns the receiver's answer."""
        out = self._change(hook, body)
        if out.hook is None:  # a fault lost it: never sent, nor logged (Sora would have no trace of it either)
            return Delivery(False, None, None, "not sent")
        return await self._sender.send(out.hook, out.body, connection_id)

    def post_in_order(self, hook: Hook, body: dict[str, Any]) -> None:
        if self._outbox is None:
            self._outbox = asyncio.Queue()
            self._task = asyncio.get_running_loop().create_task(self._send_queued(self._outbox))
        self._outbox.put_nowait((hook, body))

    async def _send_queued(self, outbox: asyncio.Queue[tuple[Hook, dict[str, Any]] | None]) -> None:
        while (item := await outbox.get()) is not None:
            try:
                await self.send(*item)
            finally:
                outbox.task_done()

    def queued(self) -> int:
        return self._outbox.qsize() if self._outbox is not None else 0

    async def join(self) -> None:
        """Waits until every queued webhook has gone out."""
        if self._outbox is not None:
            await self._outbox.join()

    async def close(self) -> None:
        if self._outbox is not None and self._task is not None:
            self._outbox.put_nowait(None)  # what is queued still goes out, then the sender ends
            await asyncio.gather(self._task, return_exceptions=True)
        await self._sender.close()
