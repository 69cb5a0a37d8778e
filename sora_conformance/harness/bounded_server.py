"""werkzeug's threaded server with its connections bounded: a fixed number at a time, each request on a deadline.

werkzeug starts one thread per connection, without bound; whoever reaches the listen address (a shared staging
network) could hold thousands of idle connections, each a thread, and starve Sora's webhooks. Here:
- at most `max_connections` connections are served at a time. When all are taken, the connection that has
  been idle longest (a silent peer, an idle keep-alive) is closed to make room for the new one; when none is
  idle, the new connection waits in the kernel's listen backlog (no thread, no memory of ours) until one is
  free, at most one request deadline, then it is closed;
- a connection may wait `idle_timeout` for its next request, and once a request's first byte has arrived,
  the rest of it (head and body) must arrive within `request_deadline`: a peer trickling a byte at a time
  (slowloris) loses its connection at the deadline, not at the next idle read.
"""
from __future__ import annotations

import io
import logging
import socket
import threading
import time
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

DEFAULT_MAX_CONNECTIONS = 64  # Sora posts each webhook on its own request; dozens at once is a busy server
IDLE_TIMEOUT = 30.0  # before a request's first byte (a keep-alive connection between requests)
REQUEST_DEADLINE = 10.0  # from a request's first byte to its last: a webhook is a few KiB
WRITE_TIMEOUT = 10.0
log = logging.getLogger(__name__)


class _DeadlineReader(io.RawIOBase):
    """The socket as the handler reads it: every read waits only until the handler's current deadline."""

    def __init__(self, handler: BoundedRequestHandler) -> None:
        self._handler = handler

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        sock: socket.socket = self._handler.connection
        remaining = self._handler.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive within its deadline")
        sock.settimeout(remaining)
        received = sock.recv_into(buffer)
        sock.settimeout(WRITE_TIMEOUT)  # for the answer
        if received:
            self._handler.request_started()
        return received


class BoundedRequestHandler(WSGIRequestHandler):
    server: BoundedWSGIServer
    deadline = 0.0
    idle_since: float | None = None  # set while waiting for a request's first byte

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # werkzeug's reader: replaced by one that keeps the deadline
        self.rfile = io.BufferedReader(_DeadlineReader(self))
        self.server.connections.opened(self)

    def handle_one_request(self) -> None:
        self.idle_since = time.monotonic()
        self.deadline = self.idle_since + self.server.idle_timeout
        super().handle_one_request()

    def request_started(self) -> None:
        if self.idle_since is not None:
            self.idle_since = None
            self.deadline = time.monotonic() + self.server.request_deadline

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.connections.closed(self)

    def log_error(self, format: str, *args: Any) -> None:
        if "timed out" in format:  # a slow or silent peer, dropped: routine on a shared network
            log.debug("connection from %s dropped: %s", self.client_address[0], args)
            return
        super().log_error(format, *args)


class Connections:
    """How many connections are being served (each a thread), and which of them wait idle for a request."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._active = 0  # accepted and given a thread, until that thread ends
        self._handlers: set[BoundedRequestHandler] = set()
        self._changed = threading.Condition()
        self.stopping = False

    def reserve(self, wait: float) -> bool:
        """A place for a new connection: closes the longest idle one if needed, else waits up to `wait`."""
        deadline = time.monotonic() + wait
        with self._changed:
            if self._active >= self.limit:
                self._close_longest_idle()
            while self._active >= self.limit and not self.stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            if self.stopping:
                return False
            self._active += 1
            return True

    def release(self) -> None:
        with self._changed:
            self._active -= 1
            self._changed.notify_all()

    def opened(self, handler: BoundedRequestHandler) -> None:
        with self._changed:
            self._handlers.add(handler)

    def closed(self, handler: BoundedRequestHandler) -> None:
        with self._changed:
            self._handlers.discard(handler)

    def stop(self) -> None:
        with self._changed:
            self.stopping = True
            self._changed.notify_all()

    @property
    def active(self) -> int:
        with self._changed:
            return self._active

    def _close_longest_idle(self) -> None:
        idle = [h for h in self._handlers if h.idle_since is not None]
        if idle:
            oldest = min(idle, key=lambda h: h.idle_since or 0.0)
            oldest.idle_since = None  # chosen once
            try:
                oldest.connection.shutdown(socket.SHUT_RDWR)  # its pending read returns: the handler ends
            except OSError:
                pass


class BoundedWSGIServer(ThreadedWSGIServer):
    def __init__(self, host: str, port: int, app: Any, *, max_connections: int = DEFAULT_MAX_CONNECTIONS,
                 idle_timeout: float = IDLE_TIMEOUT, request_deadline: float = REQUEST_DEADLINE) -> None:
        self.connections = Connections(max_connections)
        self.idle_timeout = idle_timeout
        self.request_deadline = request_deadline
        super().__init__(host, port, app, handler=BoundedRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """On the accept loop: a handler thread only when there is a place for it."""
        if not self.connections.reserve(self.request_deadline):
            log.debug("no free connection within %.0f s: a connection from %s closed", self.request_deadline,
                      client_address[0] if isinstance(client_address, tuple) else client_address)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connections.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()

    def shutdown(self) -> None:
        self.connections.stop()  # the accept loop may be waiting for a place
        super().shutdown()
