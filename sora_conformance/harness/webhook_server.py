"""The HTTP side shared by the capture server and the hub: a werkzeug app on its own thread.

It is reachable by whoever reaches the listen address (a shared staging network), so it answers every
request with JSON and never with a 500 page or a list of its routes: 404 / 405 for other paths and methods,
413 above the body size limit, 400 when a handler cannot make sense of a body.
"""
from __future__ import annotations

import ipaddress
import json
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from werkzeug import Request, Response
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import Map, Rule

from .bounded_server import DEFAULT_MAX_CONNECTIONS, REQUEST_DEADLINE, BoundedWSGIServer

ENDPOINTS = {"/webhook/session": "session", "/webhook/event": "event", "/webhook/auth": "auth"}
DEFAULT_MAX_BODY = 4 * 1024 * 1024  # a recording.report of a large channel is a few KiB
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per webhook would drown the test output
log = logging.getLogger(__name__)

Handler = Callable[[Request], Response]
Self = TypeVar("Self", bound="WebhookServer")


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


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
        self.request_deadline = REQUEST_DEADLINE  # a test may shorten it before start
        self._routes: dict[str, Handler] = {path: handler for path in ENDPOINTS}
        self._server: BoundedWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._map = Map()

    def route(self, path: str, handler: Handler) -> None:
        """Serve POST `path` with `handler` (before start)."""
        self._routes[path] = handler

    @property
    def port(self) -> int:
        return self._server.port if self._server is not None else self.requested_port

    def url_for(self, path: str) -> str:
        """The address a process on this host uses (the loopback address when listening on every interface)."""
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}{path}"

    def start(self: Self) -> Self:
        self._map = Map([Rule(path, endpoint=path, methods=["POST"]) for path in self._routes])
        try:
            self._server = BoundedWSGIServer(self.host, self.requested_port, self._app,
                                             max_connections=self.max_connections,
                                             request_deadline=self.request_deadline)
        except SystemExit:  # werkzeug exits instead of raising on a busy or unknown address
            raise OSError(f"cannot listen on {self.host}:{self.requested_port}") from None
        # the poll interval only bounds how long stop() waits for the loop to notice
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,), name=f"webhooks:{self.port}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(self.request_deadline)
            self._thread = None

    def read_body(self, request: Request) -> bytes:
        """The whole body, or RequestEntityTooLarge (413): a chunked body is cut at the limit by werkzeug
        rather than refused, hence the limit + 1 and the length check."""
        raw = request.get_data()
        if len(raw) > self.max_body:
            raise RequestEntityTooLarge()
        return raw

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        request.max_content_length = self.max_body + 1
        try:
            path, _ = self._map.bind_to_environ(environ).match()
            response = self._routes[path](request)
        except RequestEntityTooLarge:
            response = json_response({"error": f"body larger than {self.max_body} bytes"}, 413)
        except HTTPException as exc:
            headers = [(k, v) for k, v in exc.get_headers() if k.lower() == "allow"]
            response = json_response({"error": (exc.name or "error").lower()}, exc.code or 400)
            response.headers.extend(headers)
        except Exception as exc:  # a handler's failure on a strange body must not become a 500 page
            log.warning("webhook %s could not be processed: %s", request.path, type(exc).__name__)
            response = json_response({"error": "the request could not be processed"}, 400)
        return response(environ, start_response)
