"""One POST that always ends: a deadline for all of it and a cap on the answer's bytes.

urllib3's timeouts, like http.client's under them, bound each socket operation. A receiver that trickles its
status line, headers or body a byte at a time, or streams an endless body, keeps such a post going for ever.
Here the whole post (connect, TLS, send, answer head and body) has one deadline, kept by a watchdog thread
that shuts the socket down when it passes, and at most MAX_ANSWER bytes of an answer are read. Each post has
a connection of its own, as the emulator posts Sora's webhooks: no idle keep-alive connection that the
receiver may have closed in between can fail a payload.
"""
from __future__ import annotations

import functools
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

import urllib3
from urllib3.connection import HTTPConnection
from urllib3.util import parse_url
from urllib3.util.connection import create_connection

from ..scrub import scrub_text

MAX_ANSWER = 4 * 1024 * 1024  # bytes of an answer read: the capture server's default body limit, far above real answers
EXCERPT = 500  # bytes of an answer shown in reports


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no complete HTTP answer (see error)
    body: bytes = b""
    error: str | None = None  # no complete answer in time, or the connection dropped or was refused
    cut: bool = False  # longer than MAX_ANSWER: the rest was not read
    seconds: float = 0.0

    def excerpt(self) -> Answer:
        """The same answer holding only what reports show: failures are kept until the end of the run."""
        return Answer(self.status, self.body[:EXCERPT + 1], self.error, self.cut, self.seconds)

    def describe(self) -> str:
        """One line for reports, scrubbed: a receiver may echo the credentials it was sent."""
        if self.error:
            return scrub_text(self.error)
        text = repr(self.body[:EXCERPT].decode("utf-8", errors="replace"))
        more = " (cut)" if self.cut or len(self.body) > EXCERPT else ""
        return scrub_text(f"HTTP {self.status} {text}{more}")


class Watchdog:
    """Shuts a socket down when its deadline passes; one thread for all of a run's posts, one post at a time."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._armed: tuple[socket.socket, float] | None = None
        self._fired = False
        self._closed = False
        self._thread = threading.Thread(target=self._watch, name="replay-deadline", daemon=True)
        self._thread.start()

    def arm(self, sock: socket.socket, deadline: float) -> None:
        with self._changed:
            self._armed, self._fired = (sock, deadline), False
            self._changed.notify()

    @property
    def fired(self) -> bool:
        with self._changed:
            return self._fired

    def disarm(self) -> bool:
        """Stop watching; True when the deadline had passed and the socket was shut down."""
        with self._changed:
            fired, self._armed, self._fired = self._fired, None, False
            return fired

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()
        self._thread.join()

    def _watch(self) -> None:
        with self._changed:
            while not self._closed:
                if self._armed is None:
                    self._changed.wait()
                    continue
                sock, deadline = self._armed
                left = deadline - time.monotonic()
                if left > 0:
                    self._changed.wait(left)
                    continue
                try:  # the plain socket's shutdown: an SSLSocket's would unwrap it under the reading thread
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed: nothing left to stop
                self._armed, self._fired = None, True


class Poster:
    def __init__(self, timeout: float, max_answer: int = MAX_ANSWER) -> None:
        self.timeout, self.max_answer = timeout, max_answer
        self._watchdog = Watchdog()

    @functools.cached_property
    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context()  # loading the system's CA certificates takes a while: only for https

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        started = time.monotonic()
        answered, failed, sock = False, None, None
        try:
            sock, conn = self._connect(url, started + self.timeout)
            conn.request("POST", parse_url(url).request_uri, body=body, headers=headers, preload_content=False)
            response = conn.getresponse()
            answered = not self._watchdog.fired  # else the head was cut short by the shutdown
            data = response.read(self.max_answer + 1)
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError) as exc:
            failed = exc
        finally:
            # a socket shut down at the deadline may also read as a complete answer cut short (http.client
            # takes an end of stream mid-headers for the end of the headers): the deadline decides
            timed_out = self._watchdog.disarm()
            if sock is not None:
                sock.close()
        seconds = time.monotonic() - started
        if timed_out or isinstance(failed, (TimeoutError, urllib3.exceptions.TimeoutError)):
            what = "answer not complete" if answered else "no answer"
            return Answer(None, error=f"{what} within {self.timeout:g} s (timeout)", seconds=seconds)
        if failed is not None:
            return Answer(None, error=self._dropped(failed), seconds=seconds)
        return Answer(response.status, data[:self.max_answer], cut=len(data) > self.max_answer, seconds=seconds)

    def _connect(self, url: str, deadline: float) -> tuple[socket.socket, HTTPConnection]:
        """A connection of our own making, so that the watchdog guards the TLS handshake too."""
        parts = parse_url(url)
        host, port = (parts.host or "").strip("[]"), parts.port or (443 if parts.scheme == "https" else 80)
        sock = create_connection((host, port), timeout=max(deadline - time.monotonic(), 0.001),
                                 socket_options=HTTPConnection.default_socket_options)
        try:
            if parts.scheme == "https":  # wrapping takes the socket over: the watchdog must hold the wrapped one
                sock = self._tls.wrap_socket(sock, server_hostname=host, do_handshake_on_connect=False)
                self._watchdog.arm(sock, deadline)
                sock.do_handshake()
            else:
                self._watchdog.arm(sock, deadline)
        except BaseException:
            sock.close()
            raise
        conn = HTTPConnection(host, port, timeout=max(deadline - time.monotonic(), 0.001))
        conn.sock = sock  # http.client then sends on it instead of connecting again
        return sock, conn

    @staticmethod
    def _dropped(exc: BaseException) -> str:
        """Our words for it: urllib3's exception texts name the URL, which may carry a token."""
        cause = exc
        while cause.__context__ is not None and isinstance(cause, urllib3.exceptions.HTTPError):
            cause = cause.__context__
        name = type(cause).__name__
        if isinstance(cause, urllib3.exceptions.HTTPError):
            return f"connection dropped or refused ({name})"
        detail = getattr(cause, "strerror", None) or str(cause) or name
        if isinstance(cause, http.client.HTTPException) and not isinstance(
                cause, (ConnectionError, http.client.IncompleteRead)):  # a status line or header http.client refuses
            return f"not an HTTP answer ({name}: {detail[:200]})"
        return f"connection dropped or refused ({name}: {detail[:200]})"

    def close(self) -> None:
        self._watchdog.close()
