"""The user's receiver: where each webhook goes, posting it the way Sora does, and judging the answer.

A payload fails when the receiver answers anything but 2xx (a redirect included: Sora posts to the URL it is
given and follows none), does not answer completely within the timeout, or drops the connection; the answers
Sora acts on are checked too (session.created: a JSON object valid at must level; auth: a JSON object with a
boolean `allowed`). A user and password in the URL are sent as Basic auth, as Sora's webhook_basic_authn
does, and never printed: reports show the URL without them and without its query.
"""
from __future__ import annotations

import json
import math
import socket
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from urllib3.util import make_headers

from .. import scrub
from ..contract.kinds import KINDS
from ..contract.validator import validate
from .post import MAX_ANSWER, Answer, Poster


class UsageError(ValueError):
    """Bad --to / --timeout / --types: one line for the user, exit 2."""


class InvalidPayload(Exception):
    """A payload of ours (generated or an example) that our own schema rejects: our bug, never posted."""

    def __init__(self, kind: str, payload: Any, violation: str) -> None:
        super().__init__(f"our {kind} payload is invalid against our schema: {violation}")
        self.kind, self.payload = kind, payload


def check_url(url: str) -> None:
    try:
        parts = urlsplit(url.replace("{endpoint}", "session"))
    except ValueError as exc:  # e.g. an unclosed [IPv6 bracket
        raise UsageError(f"--to {scrub.without_credentials(url)!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--to must be an http(s) URL, got {scrub.without_credentials(url)!r}")
    try:
        _ = parts.port  # urllib raises on a port out of 0-65535
    except ValueError as exc:
        raise UsageError(f"--to {scrub.without_credentials(url)!r}: {exc}") from None


def check_timeout(timeout: float) -> None:
    if not (timeout > 0 and math.isfinite(timeout)):
        raise UsageError(f"--timeout must be more than 0 seconds (and finite), got {timeout}")


def encode(payload: Any) -> bytes:
    """UTF-8 JSON as Sora sends it (non-ASCII characters as they are, not \\u-escaped)."""
    return json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")


def basic_auth(url: str) -> dict[str, str]:
    """The Authorization header for a user:password in the URL (percent-escapes decoded, as curl does)."""
    parts = urlsplit(url)
    if parts.username is None:
        return {}
    user, password = unquote(parts.username), unquote(parts.password or "")
    return make_headers(basic_auth=f"{user}:{password}")


def hide_secrets(url: str, auth: dict[str, str]) -> None:
    """What a receiver may echo in its answers, hidden wherever an answer is shown: the password, the
    Authorization value, and query values long enough to be a token (shorter ones would blank out words)."""
    parts = urlsplit(url)
    secrets = [unquote(parts.password or ""), *auth.values()]
    secrets += [value for _, value in parse_qsl(parts.query) if len(value) >= 6]
    for secret in secrets:
        if secret:
            scrub.register(secret)


class Receiver:
    def __init__(self, url: str, timeout: float) -> None:
        check_url(url)
        check_timeout(timeout)
        self.template, self.timeout = url, timeout
        self.auth = basic_auth(url)
        hide_secrets(url, self.auth)
        self.poster = Poster(timeout)

    @property
    def has_hidden_parts(self) -> bool:
        """The URL has a user, password or query that printed lines leave out."""
        parts = urlsplit(self.template)
        return parts.username is not None or bool(parts.query) or bool(parts.fragment)

    def url_for(self, kind: str) -> str:
        """Where Sora would post this type: URL with {endpoint} replaced, else URL/session, /event or /auth."""
        endpoint = KINDS[kind].endpoint
        if "{endpoint}" in self.template:
            return self.template.replace("{endpoint}", endpoint)
        parts = urlsplit(self.template)
        return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + endpoint))

    def shown_url(self, kind: str | None = None) -> str:
        return scrub.without_credentials(self.template if kind is None else self.url_for(kind))

    def reachable(self) -> str | None:
        """None when something listens at the receiver's address, else why not (for exit code 2)."""
        parts = urlsplit(self.url_for("session.created"))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            socket.create_connection((parts.hostname, port), timeout=self.timeout).close()
        except OSError as exc:
            return f"cannot connect to {parts.hostname}:{port} ({exc.strerror or exc}): is the receiver running?"
        return None

    def checked_post(self, kind: str, payload: Any) -> Answer:
        """Post a payload after checking it against our schema: a failure is then the receiver's."""
        violations = validate(payload, kind)
        if violations:
            raise InvalidPayload(kind, payload, str(violations[0]))
        return self.post(kind, payload)

    def post(self, kind: str, payload: Any) -> Answer:
        headers = {"content-type": "application/json", **KINDS[kind].headers(payload), **self.auth}
        return self.poster.post(self.url_for(kind), encode(payload), headers)

    def close(self) -> None:
        self.poster.close()


def judge(kind: str, answer: Answer) -> str | None:
    """Why this answer fails the payload, or None when the receiver handled it."""
    if answer.error:
        return answer.error
    assert answer.status is not None
    if not 200 <= answer.status < 300:
        return f"answered HTTP {answer.status}"
    if answer.cut:  # an endless or huge answer: Sora would still be reading it
        return f"the answer is longer than {MAX_ANSWER // 1024 // 1024} MiB (cut there, not read further)"
    schema = KINDS[kind].answer_schema
    try:
        return None if schema is None else _judge_body(kind, answer.body, schema)
    except RecursionError:
        return f"the {kind} answer is JSON nested too deeply to read"


def _judge_body(kind: str, raw: bytes, schema: str) -> str | None:
    try:
        body = json.loads(raw)
    except ValueError:
        return f"the {kind} answer is not JSON (Sora needs a JSON object)"
    if not isinstance(body, dict):
        return f"the {kind} answer is {type(body).__name__}, not a JSON object"
    if kind == "auth.request" and not isinstance(body.get("allowed"), bool):
        return "the auth answer carries no boolean `allowed`"
    broken = [str(v) for v in validate(body, schema) if v.level == "must"]
    return scrub.scrub_text(f"the {kind} answer breaks the contract: {broken[0]}") if broken else None
