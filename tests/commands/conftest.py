"""Receivers for the replay tests that pytest-httpserver cannot be: raw sockets on 127.0.0.1 answering however a
broken or hostile receiver would (trickling, streaming for ever, never answering). Each stops by itself."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

LIFETIME = 30.0  # seconds a connection is served at most, whatever the client does

Pause = Callable[[float], bool]  # wait this long; False once the receiver must stop (closed, or its lifetime over)
Serve = Callable[[socket.socket, Pause], None]


class RawReceiver:
    def __init__(self, serve: Serve) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.stop = threading.Event()
        self.serve = serve
        self.connections = 0
        self.threads: list[threading.Thread] = []
        self.accepting = threading.Thread(target=self._accept, daemon=True)
        self.accepting.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/hooks"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve_one, args=(conn,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _serve_one(self, conn: socket.socket) -> None:
        ends = time.monotonic() + LIFETIME

        def pause(seconds: float) -> bool:
            return not self.stop.wait(seconds) and time.monotonic() < ends

        try:
            conn.settimeout(LIFETIME)
            read_request(conn)
            self.serve(conn, pause)
        except OSError:
            pass  # the client hung up: that is what a replay that ends does
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.accepting.join(timeout=5)
        for thread in self.threads:
            thread.join(timeout=5)
        self.listener.close()


def read_request(conn: socket.socket) -> bytes:
    """The request head and its content-length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@pytest.fixture
def raw_receiver() -> Iterator[Callable[[Serve], RawReceiver]]:
    made: list[RawReceiver] = []

    def make(serve: Serve) -> RawReceiver:
        made.append(RawReceiver(serve))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()
