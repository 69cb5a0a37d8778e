"""Receivers for the replay tests that pytest-httpserver cannot be: raw sockets on 127.0.0.1 answering however a
broken or hostile receiver would (trickling, streaming for ever, never answering). Each stops by itself."""
from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path
from collections.abc import Callable, Iterator

import pytest

LIFETIME = 30.0  # seconds a connection is served at most, whatever the client does

Pause = Callable[[float], bool]  # wait this long; False once the receiver must stop (closed, or its lifetime over)
Serve = Callable[[socket.socket, Pause], None]


class RawReceiver:
    def __init__(self, serve: Serve, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
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
        return f"http{'s' if self.tls else ''}://127.0.0.1:{self.listener.getsockname()[1]}/hooks"

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
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
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
def raw_receiver() -> Iterator[Callable[..., RawReceiver]]:
    made: list[RawReceiver] = []

    def make(serve: Serve, tls: ssl.SSLContext | None = None) -> RawReceiver:
        made.append(RawReceiver(serve, tls))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (certificate, key), made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate for the TLS receiver")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=30)
    return cert, key
