"""The HTTP side shared by the capture server and the hub: POST /webhook/{session,event,auth}."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ENDPOINTS = {"/webhook/session": "session", "/webhook/event": "event", "/webhook/auth": "auth"}
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per webhook would drown the test output

Self = TypeVar("Self", bound="WebhookServer")


class WebhookServer:
    def __init__(self, host: str, port: int, handler: Callable[[Request], Response]) -> None:
        self.server = HTTPServer(host=host, port=port, threaded=True)  # a slow answer must not hold the others
        for path in ENDPOINTS:
            self.server.expect_request(path, method="POST").respond_with_handler(handler)

    def start(self: Self) -> Self:
        self.server.start()
        return self

    def stop(self) -> None:
        if self.server.is_running():
            self.server.clear()
            self.server.stop()
