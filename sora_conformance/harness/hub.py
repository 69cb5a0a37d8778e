"""The capture hub: one fixed public webhook port shared by every pytest-xdist worker.

A staging Sora posts to one static address. Under `pytest -n N` the controller owns that address; each
worker runs its own capture server on an ephemeral port and registers its run prefix here. The hub relays
every webhook to the worker whose prefix the channel carries and returns that worker's answer; webhooks
of other channels go to --forward-webhooks, or get the default answer.
"""
from __future__ import annotations

import json
import threading

import requests
from werkzeug import Request, Response

from .capture import DEFAULT_ANSWERS, channel_of
from .relay import relay
from .webhook_server import ENDPOINTS, WebhookServer


class CaptureHub(WebhookServer):
    def __init__(self, host: str, port: int, forward_url: str | None = None) -> None:
        super().__init__(host, port, self._relay)
        self.forward_url = forward_url
        self._workers: dict[str, str] = {}  # run prefix -> worker capture base URL
        self._lock = threading.Lock()
        self.server.expect_request("/hub/register", method="POST").respond_with_handler(self._register)

    @property
    def url(self) -> str:
        return self.server.url_for("/")

    def _register(self, request: Request) -> Response:
        body = json.loads(request.get_data())
        with self._lock:
            self._workers[body["prefix"]] = body["url"].rstrip("/")
        return Response("{}", content_type="application/json")

    def _relay(self, request: Request) -> Response:
        endpoint = ENDPOINTS[request.path]
        raw = request.get_data()
        try:
            channel = channel_of(json.loads(raw))
        except ValueError:
            channel = None
        with self._lock:
            owner = next((url for prefix, url in self._workers.items() if channel and channel.startswith(prefix)), None)
        if owner is not None:
            target = f"{owner}/webhook/{endpoint}"
        elif self.forward_url:
            target = self.forward_url.replace("{endpoint}", endpoint)
        else:
            return Response(json.dumps(DEFAULT_ANSWERS[endpoint]), content_type="application/json")
        return relay(request, raw, target)


def register(hub_url: str, prefix: str, capture_url: str) -> None:
    requests.post(hub_url.rstrip("/") + "/hub/register", json={"prefix": prefix, "url": capture_url}, timeout=10)
