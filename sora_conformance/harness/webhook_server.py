"""The HTTP side shared by the capture server and the hub: an aiohttp server on its own thread and event loop.

It is reachable by whoever reaches the listen address (a shared staging network), so every answer is JSON and
never a page or a list of its routes: 404 / 405 for other paths and methods, 413 above the body size limit,
431 for an oversized request line or header, 400 for what is not HTTP or a handler cannot make sense of, 408
for a body that does not arrive in time. A peer holding connections open costs a coroutine, and
`connections.ConnectionLimits` decides which ones are kept; the deadlines are aiohttp's keep-alive timer (a
whole request head within `HEAD_DEADLINE` of the connection's accept or of its previous answer) and ours for the
body. Handlers are coroutines; their CPU work (parsing, validating) runs on `offload`'s few threads so the loop
keeps accepting and reading while a large body is judged.
"""
from __future__ import annotations

import asyncio
import ipaddress
import json
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from .connections import ConnectionLimits, State, Tracked
from .http_connection import MAX_HEADER_LINE, LimitedServer, tracked

ENDPOINTS = {"/webhook/session": "session", "/webhook/event": "event", "/webhook/auth": "auth"}
DEFAULT_MAX_BODY = 4 * 1024 * 1024  # a recording.report of a large channel is a few KiB
DEFAULT_MAX_CONNECTIONS = 64  # kept open at once; more are accepted and the oldest idle ones closed (connections.py)
HEAD_DEADLINE = 10.0  # s for a whole request head, from the accept or the previous answer (also the idle timeout)
REQUEST_DEADLINE = 10.0  # s for the body once the head is here
PROCESSING_THREADS = 4
BODY_BUDGET_BODIES = 8  # bodies of the largest size received at once, in all (connections.py: the largest closed)
STARTUP_TIMEOUT = 30.0

T = TypeVar("T")
Self = TypeVar("Self", bound="WebhookServer")


@dataclass(frozen=True)
class Incoming:
    """A whole request, as a handler sees it."""

    path: str
    headers: dict[str, str]
    body: bytes
    peer: str

    @property
    def endpoint(self) -> str:
        return ENDPOINTS.get(self.path, "")


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    close: bool = False  # close the connection after it (a request whose body was not read)
    location: str | None = None  # a relayed redirect's, returned as it came


def json_answer(body: Any, status: int = 200, close: bool = False) -> Answer:
    return Answer(status, json.dumps(body).encode(), close=close)


Handler = Callable[[Incoming], Awaitable[Answer]]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: assume it is reachable from elsewhere


class WebhookServer:
    def __init__(self, host: str, port: int, handler: Handler, max_body: int = DEFAULT_MAX_BODY,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS) -> None:
        self.host = host
        self.requested_port = port
        self.max_body = max_body
        self.max_connections = max_connections
        self.head_deadline = HEAD_DEADLINE  # a test may shorten these before start
        self.request_deadline = REQUEST_DEADLINE
        self._routes: dict[str, Handler] = {path: handler for path in ENDPOINTS}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.ServerRunner | None = None
        self._server: LimitedServer | None = None
        self._port = 0
        self._processing = ThreadPoolExecutor(PROCESSING_THREADS, thread_name_prefix="webhook-processing")

    def route(self, path: str, handler: Handler) -> None:
        """Serve POST `path` with `handler` (before start)."""
        self._routes[path] = handler

    @property
    def port(self) -> int:
        return self._port or self.requested_port

    @property
    def limits(self) -> ConnectionLimits:
        """The live connection limits (their counters serve the tests and benchmarks)."""
        if self._server is None:
            raise RuntimeError("the webhook server is not started")
        return self._server.limits

    def url_for(self, path: str) -> str:
        """The address a process on this host uses (the loopback address when listening on every interface)."""
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}{path}"

    def start(self: Self) -> Self:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"webhooks:{self.requested_port}",
                                        daemon=True)
        self._thread.start()
        try:
            self._port = asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(STARTUP_TIMEOUT)
        except OSError:
            self.stop()
            raise  # a busy port or an address not on this host, as the caller knows to report it
        except Exception as exc:
            self.stop()
            raise OSError(f"cannot listen on {self.host}:{self.requested_port}: {type(exc).__name__}") from None
        return self

    async def _listen(self) -> int:
        # keepalive_timeout is armed when a connection opens and after each answer, and disarmed only by a whole
        # request head: it is the head deadline. lingering_time bounds how long an unread body is drained.
        self._server = LimitedServer(self._serve, self.max_connections, BODY_BUDGET_BODIES * self.max_body,
                                     keepalive_timeout=self.head_deadline,
                                     lingering_time=1.0, access_log=None, max_line_size=MAX_HEADER_LINE,
                                     max_field_size=MAX_HEADER_LINE)
        self._runner = web.ServerRunner(self._server, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host or None, self.requested_port)
        await site.start()
        return int(self._runner.addresses[0][1])

    def stop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is not None:
            if self._runner is not None:
                try:
                    asyncio.run_coroutine_threadsafe(self._close(), loop).result(self.request_deadline)
                except Exception:  # stopping anyway: the loop and its connections go with the thread
                    pass
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(self.request_deadline)
            self._thread = None
        if loop is not None and not loop.is_running():
            loop.close()
        self._processing.shutdown(wait=False, cancel_futures=True)

    async def _close(self) -> None:
        if self._server is not None:
            self._server.limits.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        # what is still running (a relay waiting for its receiver) ends here, not with the loop's destruction
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def offload(self, work: Callable[..., T], *args: Any) -> T:
        """Runs CPU work (parsing, validating) on the processing threads, so the loop keeps serving."""
        return await asyncio.get_running_loop().run_in_executor(self._processing, work, *args)

    def refused(self, incoming: Incoming, problem: str) -> None:
        """A request refused before any handler saw it (413); the capture server keeps a trace of it."""

    # --- the one aiohttp handler -----------------------------------------------------------------------------
    async def _serve(self, request: web.BaseRequest) -> web.StreamResponse:
        handler = self._routes.get(request.path)
        if handler is None:
            return _response(json_answer({"error": "not found"}, 404))
        if request.method != "POST":
            response = _response(json_answer({"error": "method not allowed"}, 405))
            response.headers["Allow"] = "POST"
            return response
        conn = tracked(request)
        conn.enter(State.RECEIVING)
        try:
            body = await self._read_body(request, conn)
            if isinstance(body, Answer):
                return _response(body)
            conn.enter(State.HANDLING)  # its bytes stay counted while handled: they are still in memory
            headers = {name: value for name, value in request.headers.items()}
            return _response(await handler(Incoming(request.path, headers, body, request.remote or "")))
        finally:
            conn.enter(State.WAITING)
            self.limits.release(conn)

    async def _read_body(self, request: web.BaseRequest, conn: Tracked) -> bytes | Answer:
        """The whole body within the request deadline, or the answer refusing it."""
        if (request.content_length or 0) > self.max_body:
            return self._too_large(request)
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.request_deadline):
                async for chunk in request.content.iter_any():
                    size += len(chunk)
                    if size > self.max_body:  # a chunked body: refused as it grows past the limit
                        return self._too_large(request)
                    if not self.limits.hold(conn, len(chunk)):
                        return json_answer({"error": "too many large bodies arriving at once"}, 503, close=True)
                    chunks.append(chunk)
        except TimeoutError:
            return json_answer({"error": f"the body did not arrive within {self.request_deadline:g} s"}, 408,
                               close=True)
        except (ConnectionError, HttpProcessingError):
            return json_answer({"error": "the body could not be read"}, 400, close=True)
        return b"".join(chunks)

    def _too_large(self, request: web.BaseRequest) -> Answer:
        problem = f"body larger than {self.max_body} bytes"
        self.refused(Incoming(request.path, dict(request.headers), b"", request.remote or ""), problem)
        return json_answer({"error": problem}, 413, close=True)


def _response(answer: Answer) -> web.Response:
    headers = {"Content-Type": answer.content_type} | ({"Location": answer.location} if answer.location else {})
    response = web.Response(status=answer.status, body=answer.body, headers=headers)
    if answer.close:
        response.force_close()
    return response
