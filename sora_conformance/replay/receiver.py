"""Posting one webhook to the user's receiver the way Sora does, and judging its answer.

A payload fails when the receiver answers non-2xx, times out or drops the connection; the answers Sora acts
on are checked too (session.created: a JSON object, valid at must level; auth: a JSON object with a boolean
`allowed`). Redirects are not followed: Sora posts to the URL it is given.
"""
from __future__ import annotations

import json
import math
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import urllib3

from ..contract.generate import ANSWER_SCHEMA, ENDPOINT
from ..contract.validator import validate

ANSWER_EXCERPT = 500  # bytes of an answer kept for the report: bounded whatever the receiver sends


class UsageError(ValueError):
    """Bad --to / --timeout: one line for the user, exit 2."""


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: bytes
    error: str | None = None  # timeout or dropped connection: no HTTP answer at all

    def describe(self) -> str:
        if self.error:
            return self.error
        excerpt = self.body[:ANSWER_EXCERPT].decode("utf-8", errors="replace")
        return f"HTTP {self.status} {excerpt!r}" + (" (cut)" if len(self.body) > ANSWER_EXCERPT else "")


def check_url(url: str) -> None:
    try:
        parts = urlsplit(url.replace("{endpoint}", "session"))
    except ValueError as exc:  # e.g. an unclosed [IPv6 bracket
        raise UsageError(f"--to {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--to must be an http(s) URL, got {url!r}")
    try:
        _ = parts.port  # urllib raises on a port out of 0-65535
    except ValueError as exc:
        raise UsageError(f"--to {url!r}: {exc}") from None


def header_safe(headers: dict[str, str], name: str, value: Any) -> None:
    """Ids go into headers as Sora does, when they can: the schema allows any string, a header does not."""
    if isinstance(value, str) and value.isascii() and value.isprintable() and value.strip() == value and value:
        headers[name] = value


def encode(payload: Any) -> bytes:
    """UTF-8 JSON as Sora sends it (non-ASCII characters as they are, not \\u-escaped)."""
    return json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")


def check_timeout(timeout: float) -> None:
    if not (timeout > 0 and math.isfinite(timeout)):
        raise UsageError(f"--timeout must be more than 0 seconds (and finite), got {timeout}")


class Receiver:
    def __init__(self, url: str, timeout: float) -> None:
        check_url(url)
        check_timeout(timeout)
        self.template = url
        self.timeout = timeout
        self.pool = urllib3.PoolManager(num_pools=3, maxsize=1, retries=False,
                                        timeout=urllib3.Timeout(connect=timeout, read=timeout))

    def url_for(self, kind: str) -> str:
        endpoint = ENDPOINT.get(kind, "event")
        if "{endpoint}" in self.template:
            return self.template.replace("{endpoint}", endpoint)
        return self.template.rstrip("/") + "/" + endpoint

    def reachable(self) -> str | None:
        """None when something listens at the receiver's address, else why not (for exit code 2)."""
        parts = urlsplit(self.url_for("session.created"))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            socket.create_connection((parts.hostname, port), timeout=self.timeout).close()
        except OSError as exc:
            return f"cannot connect to {parts.hostname}:{port} ({exc.strerror or exc}): is the receiver running?"
        return None

    def post(self, kind: str, payload: Any) -> Answer:
        endpoint = ENDPOINT.get(kind, "event")
        headers = {"content-type": "application/json"}
        if endpoint == "auth":
            header_safe(headers, "sora-connection-id", payload.get("connection_id"))
        else:
            headers[f"sora-{endpoint}-webhook-type"] = kind
            header_safe(headers, "sora-session-id", payload.get("session_id"))
        try:
            answer = self.pool.request("POST", self.url_for(kind), body=encode(payload), headers=headers,
                                       redirect=False, preload_content=False)
            body = answer.read(ANSWER_EXCERPT * 64)  # bounded: a huge answer is read on but not kept
            answer.drain_conn()
            answer.release_conn()
        except urllib3.exceptions.TimeoutError:
            return Answer(None, b"", f"no answer within {self.timeout:g} s (timeout)")
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            return Answer(None, b"", f"connection dropped or refused ({type(exc).__name__}: {exc})")
        return Answer(answer.status, body)

    def close(self) -> None:
        self.pool.clear()


def judge(kind: str, answer: Answer) -> str | None:
    """Why this answer fails the payload, or None when the receiver handled it."""
    if answer.error:
        return answer.error
    assert answer.status is not None
    if not 200 <= answer.status < 300:
        return f"answered HTTP {answer.status}"
    schema = ANSWER_SCHEMA.get(kind)
    if schema is None:
        return None
    try:
        body = json.loads(answer.body)
    except ValueError:
        return f"the {kind} answer is not JSON (Sora needs a JSON object)"
    if not isinstance(body, dict):
        return f"the {kind} answer is {type(body).__name__}, not a JSON object"
    if kind == "auth.request" and not isinstance(body.get("allowed"), bool):
        return "the auth answer carries no boolean `allowed`"
    broken = [str(v) for v in validate(body, schema) if v.level == "must"]
    return f"the {kind} answer breaks the contract: {broken[0]}" if broken else None
