"""Takes every live secret out of text the harness did not write itself, before it is shown or stored.

The target under test (or a proxy in front of it) may echo what it was sent: the API headers in an error
body, the signaling metadata with its JWT. `Secret`'s repr hides the values the harness holds, but text that
came from the target is a plain str; it goes through `scrub` where it leaves the harness (API exchange
evidence, `TargetError`, failure text, captured webhooks, client errors, test reports, conformance reports).

Known values: TEST_SECRET_KEY and the --api-header values (`register`, a handful per run). JWTs are
recognised by their shape instead of being listed one by one: every connection gets its own token, and a JWT
a target echoes is a bearer credential whoever issued it (a partly cut one is hidden too).
"""
from __future__ import annotations

import json
import re
import threading
from typing import Any
from urllib.parse import quote, urlsplit

REDACTED = "REDACTED"  # what stands for a secret, in scrubbed text and in a Secret's repr
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?")
_lock = threading.Lock()
_forms: tuple[str, ...] = ()  # every registered value as it may be echoed, longest first


def register(value: str) -> None:
    """A secret value to hide from now on, also where it is echoed JSON-, repr- or URL-escaped, and its
    credentials alone: "Bearer abc" is hidden as "abc" too (a pretty-printer splits a string at its spaces)."""
    global _forms
    plain = str.__str__(value)  # not the Secret subclass: its value, whatever its repr
    parts = plain.split()
    # "<auth-scheme> <credentials>" (RFC 9110): the credentials alone too, the scheme is no secret
    credentials = parts[1] if len(parts) == 2 and SCHEME.fullmatch(parts[0]) and len(parts[1]) >= 6 else ""
    forms = set()
    for secret in {plain.strip(), credentials} - {""}:
        forms |= {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1], quote(secret, safe="")}
    with _lock:
        _forms = tuple(sorted(set(_forms) | forms, key=len, reverse=True))


def scrub_text(text: str) -> str:
    text = JWT.sub(REDACTED, text)
    for form in _forms:
        if form in text:
            text = text.replace(form, REDACTED)
    return text


def scrub(value: Any) -> Any:
    """The same JSON-like value with every secret taken out of its strings (keys included)."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(scrub(v) for v in value) if type(value) in (list, tuple) else [scrub(v) for v in value]
    return value


def holds_secret(text: str) -> bool:
    return scrub_text(text) != text


def without_credentials(url: str) -> str:
    """A URL as printed: no user:password, query or fragment (they may carry a token)."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<an unparsable URL>"
    host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname or ""
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else "<not a URL>"
