"""The capture hub: one fixed public webhook port shared by every pytest-xdist worker.

A staging Sora posts to one static address. Under `pytest -n N` the controller owns that address; each
worker runs its own capture server on an ephemeral loopback port and registers its run prefix here, proving
with the per-run token the controller handed it (xdist workerinput) that it belongs to this run. The hub
relays every webhook to the worker whose prefix the channel carries and returns that worker's answer;
webhooks of other channels go to --forward-webhooks, or get the foreign-channel policy's answer.
"""
from __future__ import annotations

import hmac
import json
import re
import secrets
import threading
from typing import Any
from urllib.parse import urlsplit

import urllib3

from .captured import channel_of, owns_channel
from .config import HarnessConfig
from .exposure import foreign_answer
from .relay import FOREIGN_RELAYS, Relay
from .verdict import HarnessError
from .webhook_body import NotAWebhook, parse_webhook
from .webhook_server import DEFAULT_MAX_BODY, DEFAULT_MAX_CONNECTIONS, Answer, Incoming, WebhookServer, json_answer

REGISTER_PATH = "/hub/register"
PREFIX = re.compile(r"[A-Za-z0-9_.:@-]{1,120}")
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
WORKER_RELAYS = 64  # this run's webhooks relayed to the workers at once (each a quick loopback exchange)


class CaptureHub(WebhookServer):
    def __init__(self, host: str, port: int, forward_url: str | None = None, allow_foreign: bool = False,
                 max_body: int = DEFAULT_MAX_BODY, max_connections: int = DEFAULT_MAX_CONNECTIONS) -> None:
        super().__init__(host, port, self._relay, max_body, max_connections)
        self.forward_url = forward_url
        self.allow_foreign = allow_foreign
        self.token = secrets.token_urlsafe(32)  # handed to workers only; never printed
        self._workers: dict[str, str] = {}  # run prefix -> worker capture base URL
        self._lock = threading.Lock()
        # apart, so that a stalled operator's backend never holds what this run's webhooks need
        self.to_workers, self.to_forward = Relay(WORKER_RELAYS), Relay(FOREIGN_RELAYS)
        self.route(REGISTER_PATH, self._register)

    @classmethod
    def listening_as(cls, config: HarnessConfig) -> CaptureHub:
        """The hub on the address, policy and limits the run was given (`run -n N` and `load` alike)."""
        return cls(config.webhook_host, config.webhook_port, config.forward_webhooks, config.allow_foreign_channels,
                   config.webhook_max_body, config.webhook_max_connections)

    def __repr__(self) -> str:
        return f"CaptureHub({self.host}:{self.port})"

    @property
    def url(self) -> str:
        return self.url_for("/")

    def stop(self) -> None:
        super().stop()
        self.to_workers.close()
        self.to_forward.close()

    async def _register(self, incoming: Incoming) -> Answer:
        body = await self.offload(_json_object, incoming.body)
        if body is None:
            return json_answer({"error": "registration body is not a JSON object"}, 400)
        token = body.get("token")
        if not isinstance(token, str) or not hmac.compare_digest(token.encode(), self.token.encode()):
            return json_answer({"error": "registration needs this run's token"}, 403)
        prefix, url = body.get("prefix"), body.get("url")
        if not isinstance(prefix, str) or not PREFIX.fullmatch(prefix) or not _loopback_http(url):
            return json_answer({"error": "registration needs a run prefix and a loopback http URL"}, 400)
        with self._lock:
            self._workers[prefix] = str(url).rstrip("/")
        return json_answer({"registered": prefix})

    async def _relay(self, incoming: Incoming) -> Answer:
        try:
            channel = channel_of(await self.offload(parse_webhook, incoming.body))
        except NotAWebhook as exc:
            return json_answer({"error": str(exc)}, 400)
        with self._lock:
            owner = next((url for prefix, url in self._workers.items() if owns_channel(prefix, channel)), None)
        if owner is not None:
            return await self.to_workers.post(f"{owner}/webhook/{incoming.endpoint}", incoming)
        if self.forward_url:
            return await self.to_forward.post(self.forward_url.replace("{endpoint}", incoming.endpoint), incoming)
        return json_answer(foreign_answer(incoming.endpoint, self.allow_foreign))


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def _loopback_http(url: Any) -> bool:
    """Workers listen on this host: the hub never relays elsewhere, whoever holds the token."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and parts.port is not None
    except ValueError:
        return False


def register(hub_url: str, token: str, prefix: str, capture_url: str) -> None:
    try:
        answer = urllib3.request("POST", hub_url.rstrip("/") + REGISTER_PATH, retries=False, timeout=10.0,
                                 json={"token": token, "prefix": prefix, "url": capture_url})
    except urllib3.exceptions.HTTPError as exc:
        raise HarnessError(f"cannot register with the webhook capture hub at {hub_url}: {exc}") from None
    if answer.status != 200:
        raise HarnessError(f"the webhook capture hub at {hub_url} refused this worker: {answer.status}")
