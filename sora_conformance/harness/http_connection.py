"""aiohttp's connection handler for the webhook server: each connection registered with `ConnectionLimits`, and
what aiohttp cannot parse (a garbage request line, an oversized header) answered in JSON, in no log line above
debug: on a shared network that is routine, not an error of ours."""
from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError, LineTooLong

from .connections import ConnectionLimits, Tracked

MAX_HEADER_LINE = 8190  # aiohttp's default; a longer request or header line is answered 431
log = logging.getLogger(__name__)


class _Connection(web.RequestHandler):
    def __init__(self, manager: LimitedServer, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self.limits = manager.limits
        self.tracked: Tracked | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        self.tracked = Tracked(str(peer[0]) if peer else "", self.force_close)
        if not self.limits.opened(self.tracked):
            log.debug("connection from %s closed at once: %d connections open", self.tracked.peer, self.limits.open)
            self.force_close()

    def connection_lost(self, exc: BaseException | None) -> None:
        if self.tracked is not None:
            self.limits.closed(self.tracked)
        super().connection_lost(exc)

    def handle_error(self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        if isinstance(exc, LineTooLong):
            status, error = 431, f"a request or header line is over {MAX_HEADER_LINE} bytes"
        elif isinstance(exc, HttpProcessingError):
            first_line = str(exc.message).splitlines()[0] if exc.message else "unparsable"
            status, error = 400, f"malformed HTTP request: {first_line[:200]}"
        elif isinstance(exc, ConnectionError):  # the peer left mid-request: nobody reads this
            status, error = 400, "connection lost"
        else:  # a bug of ours on a strange request: still a 4xx with a reason, never a 500 page
            log.warning("webhook request failed: %s", type(exc).__name__ if exc is not None else message)
            status, error = 400, "the request could not be processed"
        log.debug("answered %d to %s: %s", status, request.remote, error)
        response = web.Response(status=status, body=json.dumps({"error": error}).encode(),
                                headers={"Content-Type": "application/json"})
        response.force_close()
        return response


class LimitedServer(web.Server):
    """web.Server making our handler: aiohttp offers no other hook for the answers to unparsable requests."""

    def __init__(self, handler: Callable[[web.BaseRequest], Awaitable[web.StreamResponse]], max_connections: int,
                 body_budget: int, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.limits = ConnectionLimits(max_connections, body_budget)

    def __call__(self) -> web.RequestHandler:
        return _Connection(self, loop=self._loop, **self._kwargs)


def tracked(request: web.BaseRequest) -> Tracked:
    """The connection a request arrived on, as the limits see it."""
    connection = request.protocol
    assert isinstance(connection, _Connection) and connection.tracked is not None
    return connection.tracked
