"""The API's HTTP server on aiohttp: POST / only, JSON answers, read deadlines and a body limit.

aiohttp parses HTTP; what a request means is dispatch.py's job. Every answer is JSON with an `error_type`,
including the ones for requests aiohttp cannot parse, and nothing a client sends is logged as a traceback.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError, LineTooLong

Handler = Callable[[str, dict[str, str], bytes], Awaitable[tuple[int, Any]]]
MAX_BODY = 1 << 20
MAX_HEADER_LINE = 8190  # aiohttp's default; a longer request or header line is answered 431

log = logging.getLogger("sora_emulator.api")


class ApiServer:
    def __init__(self, host: str, port: int, handler: Handler, read_timeout: float = 5.0) -> None:
        self._host, self._port, self._handler = host, port, handler
        self._read_timeout = read_timeout
        self._runner: web.ServerRunner | None = None

    async def start(self) -> int:
        # keepalive_timeout is armed when a connection opens and disarmed only by a complete request head:
        # a client that sends its headers slowly, or never, is closed after read_timeout. lingering_time
        # bounds how long the rest of a refused body is read (and dropped) so that the client sees the answer.
        server = _JsonErrorServer(self._serve, keepalive_timeout=self._read_timeout,
                                  lingering_time=self._read_timeout, access_log=None,
                                  max_line_size=MAX_HEADER_LINE, max_field_size=MAX_HEADER_LINE)
        self._runner = web.ServerRunner(server, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _serve(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.path != "/" and not request.path.startswith("/control/"):
            return _answer(404, {"error_type": "NOT-FOUND", "message": "the API lives at POST /"})
        if request.method != "POST":
            return _answer(405, {"error_type": "METHOD-NOT-ALLOWED", "message": "the API takes POST only"})
        if (request.content_length or 0) > MAX_BODY:
            return _answer(413, _TOO_LARGE, close=True)
        try:
            async with asyncio.timeout(self._read_timeout):
                body = await request.read()
        except TimeoutError:
            return _answer(408, {"error_type": "REQUEST-TIMEOUT",
                                 "message": f"the body did not arrive within {self._read_timeout} s"}, close=True)
        except web.HTTPRequestEntityTooLarge:  # a chunked body that grows past the limit
            return _answer(413, _TOO_LARGE, close=True)
        headers = {name.lower(): value for name, value in request.headers.items()}
        status, answer = await self._handler(request.path, headers, body)
        return _answer(status, answer)


_TOO_LARGE = {"error_type": "BODY-TOO-LARGE", "message": f"body over {MAX_BODY} bytes"}


def _answer(status: int, body: Any, close: bool = False) -> web.Response:
    response = web.json_response(body, status=status)
    if close:
        response.force_close()
    return response


class _JsonErrorHandler(web.RequestHandler):
    """aiohttp's connection handler, answering what it cannot parse in JSON and in one log line."""

    def handle_error(self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        if isinstance(exc, LineTooLong):
            status, body = 431, {"error_type": "HEADER-TOO-LARGE",
                                 "message": f"a request or header line is over {MAX_HEADER_LINE} bytes"}
        elif isinstance(exc, HttpProcessingError):
            first_line = str(exc.message).splitlines()[0] if exc.message else "unparsable"
            status, body = 400, {"error_type": "BAD-REQUEST", "message": f"malformed HTTP request: {first_line}"}
        elif isinstance(exc, ConnectionError):  # the client left mid-request: nobody to answer
            return _answer(400, {"error_type": "CONNECTION-LOST", "message": str(exc)}, close=True)
        else:  # a bug of ours: still a 4xx with a reason, never a 500
            reason = f"{type(exc).__name__}: {exc}" if exc is not None else (message or f"HTTP {status}")
            log.error("API request failed: %s", reason)
            return _answer(400, {"error_type": "INTERNAL-ERROR", "message": reason}, close=True)
        log.info("API answered %d to %s: %s", status, request.remote, body["message"][:200])
        return _answer(status, body, close=True)


class _JsonErrorServer(web.Server):
    """web.Server making our handler: aiohttp offers no other hook for the answers to unparsable requests."""

    def __call__(self) -> web.RequestHandler:
        return _JsonErrorHandler(self, loop=self._loop, **self._kwargs)
