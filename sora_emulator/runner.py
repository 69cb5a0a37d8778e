"""Run the emulator in-process: its own thread and event loop, started and stopped from any thread."""
from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from concurrent.futures import Future
from typing import Any

from .api.dispatch import dispatch
from .api.handlers import Context
from .api.server import ApiServer
from .app import EmulatorApp
from .cluster import ClusterSignaling, NodeHooks, node_names
from .config import EmulatorConfig


class EmulatorStartError(RuntimeError):
    """The emulator could not listen (busy port, bad host) or failed to start."""


class Emulator:
    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.app: EmulatorApp | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._apis: list[ApiServer] = []
        self._signalings: list[Any] = []
        self.api_ports: list[int] = []  # one per cluster node (one node unless cluster_nodes > 1)
        self.signaling_ports: list[int] = []

    @property
    def api_port(self) -> int:
        return self.api_ports[0] if self.api_ports else 0

    @property
    def signaling_port(self) -> int:
        return self.signaling_ports[0] if self.signaling_ports else 0

    @property
    def api_url(self) -> str:
        return self.api_urls[0]

    @property
    def signaling_url(self) -> str:
        return self.signaling_urls[0]

    @property
    def api_urls(self) -> list[str]:
        return [f"http://{self.config.host}:{port}/" for port in self.api_ports or [0]]

    @property
    def signaling_urls(self) -> list[str]:
        return [f"ws://{self.config.host}:{port}/signaling" for port in self.signaling_ports or [0]]

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

        self.app = app = EmulatorApp(self.config)
        names = node_names(self.config.cluster_nodes)
        for index, name in enumerate(names):
            hooks = app if len(names) == 1 else NodeHooks(app, name)
            signaling = SignalingServer(self.config.host, _nth(self.config.signaling_port, index), hooks,
                                        config=self.config)
            context = Context(app, name)
            api = ApiServer(self.config.host, _nth(self.config.api_port, index), functools.partial(dispatch, context),
                            read_timeout=self.config.api_read_timeout)
            self._signalings.append(signaling)
            self._apis.append(api)
            self.api_ports.append(await api.start())
            self.signaling_ports.append(await signaling.start())
        app.signaling = self._signalings[0] if len(names) == 1 else ClusterSignaling(self._signalings)

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
        for signaling in self._signalings:
            await signaling.stop()
        for api in self._apis:
            await api.stop()
        if self.app is not None:
            await self.app.close()
        # What the libraries leave behind (the handler of a client that never finished its request) ends
        # here, before the loop stops, rather than being destroyed pending.
        leftovers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    def _call(self, coro: Any, timeout: float = 30) -> Any:
        assert self._loop is not None
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _nth(port: int, index: int) -> int:
    """Node `index`'s port: counted up from the configured one; 0 (any free port) stays 0."""
    return port + index if port else 0


def _describe(exc: BaseException, config: EmulatorConfig) -> str:
    if isinstance(exc, OSError) and exc.errno in (98, 48):  # EADDRINUSE on Linux / macOS
        return (f"cannot listen on {config.host} (api port {config.api_port}, signaling port "
                f"{config.signaling_port}): address already in use")
    return f"emulator failed to start: {type(exc).__name__}: {exc}"
