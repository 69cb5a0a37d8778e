"""Hostile peers on the shared network, for the tests and bench/bench_hostile.py, bounded in count and in time.

`Slowloris` keeps `count` connections open on the webhook port, each sending part of a request line and then a
header byte now and then, and opens a new one whenever the server closes one; it stops by itself after `lasts`
seconds, or at `stop()`. `StalledBackend` is a webhook receiver behind --forward-webhooks that never finishes
an answer."""
from __future__ import annotations

import asyncio
import socket
import threading

REQUEST_START = b"POST /webhook/session HTTP/1.1\r\nHost: x\r\nX-Slow: "


class Slowloris:
    def __init__(self, port: int, count: int, every: float = 1.0, reopen_after: float = 0.05,
                 source: str | None = None, host: str = "127.0.0.1", lasts: float = 900.0) -> None:
        self.port, self.count, self.every, self.reopen_after = port, count, every, reopen_after
        self.source, self.host, self.lasts = source, host, lasts
        self.opened = 0  # connections opened, in all
        self.cut = 0  # of them, closed by the server
        self.open = 0  # now
        self._stop: asyncio.Event | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._run(),), daemon=True,
                                        name="slowloris")
        self._started = threading.Event()

    def __enter__(self) -> Slowloris:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> Slowloris:
        self._thread.start()
        self._started.wait(10)
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def wait_open(self, at_least: int, within: float) -> bool:
        """True once `at_least` of its connections have been opened, in all."""
        deadline = threading.Event()
        for _ in range(int(within / 0.05)):
            if self.opened >= at_least:
                return True
            deadline.wait(0.05)  # sleep-ok: watching another thread's counter, there is no event to wait on
        return self.opened >= at_least

    async def _run(self) -> None:
        self._stop = asyncio.Event()
        self._started.set()
        peers = [asyncio.create_task(self._peer()) for _ in range(self.count)]
        try:
            await asyncio.wait_for(self._stop.wait(), self.lasts)
        except TimeoutError:
            pass
        for peer in peers:
            peer.cancel()
        await asyncio.gather(*peers, return_exceptions=True)

    async def _peer(self) -> None:
        assert self._stop is not None
        while not self._stop.is_set():
            try:
                await self._hold_one()
                pause = self.reopen_after
            except OSError:  # not listening yet, or reset: try again a little later
                pause = self.every
            await asyncio.sleep(pause)  # sleep-ok: how fast the peer comes back (its choice)

    async def _hold_one(self) -> None:
        source = (self.source, 0) if self.source else None
        reader, writer = await asyncio.open_connection(self.host, self.port, local_addr=source)
        self.opened += 1
        self.open += 1
        try:
            writer.write(REQUEST_START)
            while True:
                try:
                    if not await asyncio.wait_for(reader.read(1024), self.every):
                        break  # closed by the server
                    break  # answered (an error): the server is done with it
                except TimeoutError:
                    writer.write(b"x")  # one more byte of a header that never ends
                    await writer.drain()
            self.cut += 1
        finally:
            self.open -= 1
            writer.close()


class StalledBackend:
    """A backend that reads the request, then trickles an answer a byte at a time (head or body) and never ends
    it; it stops by itself when the test ends."""

    def __init__(self, answer_start: bytes = b"HTTP/1.1 200 OK\r\n", every: float = 0.1) -> None:
        self.answer_start, self.every = answer_start, every
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{{endpoint}}"

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            self.connections += 1
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(self.answer_start)
                while not self._stop.wait(self.every):  # a byte now and then, never the end
                    conn.sendall(b"x")
            except OSError:
                return  # the relay gave up

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
