"""Run the emulator in-process: its own thread and event loop, started and stopped from any thread."""
from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import Future
from typing import Any

from .api.dispatch import dispatch
from .api.handlers import Context
from .api.server import ApiServer
from .app import EmulatorApp
from .config import EmulatorConfig


class EmulatorStartError(RuntimeError):
    """The emulator could not listen (busy port, bad host) or failed to start."""


class Emulator:
    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.app: EmulatorApp | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._api: ApiServer | None = None
        self._signaling: Any = None
        self.api_port = 0
        self.signaling_port = 0

    @property
    def api_url(self) -> str:
        return f"http://{self.config.host}:{self.api_port}/"

    @property
    def signaling_url(self) -> str:
        return f"ws://{self.config.host}:{self.signaling_port}/signaling"

    def start(self) -> Emulator:
        if self._thread is not None:
            return self
        self.config.archive_dir.mkdir(parents=True, exist_ok=True)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sora-emulator", daemon=True)
        self._thread.start()
        try:
            self._call(self._start())
        except Exception as exc:
            self.stop()
            raise EmulatorStartError(_describe(exc, self.config)) from None
        return self

    async def _start(self) -> None:
        from .signaling import SignalingServer  # aiortc is heavy: import it only when serving

        self.app = EmulatorApp(self.config)
        self._signaling = SignalingServer(self.config.host, self.config.signaling_port, self.app, config=self.config)
        self.app.signaling = self._signaling
        context = Context(self.app)
        self._api = ApiServer(self.config.host, self.config.api_port,
                              lambda path, headers, body: dispatch(context, path, headers, body),
                              read_timeout=self.config.api_read_timeout)
        self.api_port = await self._api.start()
        self.signaling_port = await self._signaling.start()

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        with contextlib.suppress(Exception):
            self._call(self._stop(), timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()
        self._loop = self._thread = None

    async def _stop(self) -> None:
        if self._signaling is not None:
            await self._signaling.stop()
        if self._api is not None:
            await self._api.stop()
        if self.app is not None:
            await self.app.close()
        # What the libraries leave behind (the handler of a client that never finished its request) ends
        # here, before the loop stops, rather than being destroyed pending.
        leftovers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    def set_faults(self, names: list[str]) -> None:
        from .api.handlers import control_faults

        assert self.app is not None
        self._call(control_faults(Context(self.app), {"faults": names}))

    def _call(self, coro: Any, timeout: float = 30) -> Any:
        assert self._loop is not None
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _describe(exc: BaseException, config: EmulatorConfig) -> str:
    if isinstance(exc, OSError) and exc.errno in (98, 48):  # EADDRINUSE on Linux / macOS
        return (f"cannot listen on {config.host} (api port {config.api_port}, signaling port "
                f"{config.signaling_port}): address already in use")
    return f"emulator failed to start: {type(exc).__name__}: {exc}"
