"""Is this body a webhook at all? The checks that come before any schema, so no body can crash the handler."""
from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # Sora's webhooks nest a few levels; metadata is the caller's own, a handful more
BYTES_PER_VALUE = 100  # a parsed JSON value in CPython: a dict or list and its slot, a str or int object
BYTES_PER_RECORD = 2048  # the record around it: its fields, answer, violations


class NotAWebhook(ValueError):
    """Answered 400 and kept as malformed evidence."""


def parse_webhook(raw: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(raw)
    except RecursionError:
        raise NotAWebhook("body is nested too deeply") from None
    except ValueError:
        raise NotAWebhook("body is not JSON") from None
    if not isinstance(payload, dict):
        raise NotAWebhook("body is not a JSON object")
    if "type" in payload and not isinstance(payload["type"], str):
        raise NotAWebhook("\"type\" is not a string")
    if _deeper_than(payload, MAX_DEPTH):
        raise NotAWebhook(f"body is nested deeper than {MAX_DEPTH} levels")
    return payload


def _deeper_than(value: Any, limit: int) -> bool:
    """Iterative, so the check itself cannot exhaust the stack."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
    return False


def footprint(raw: bytes, payload: Any, headers: dict[str, str]) -> int:
    """About how many bytes keeping this webhook costs: its bytes (as they came and as parsed) and its headers,
    plus Python's overhead per parsed value, which is what makes `[{}, {}, ...]` cost far more than its length."""
    values = 0
    pending = [payload]
    while pending:
        item = pending.pop()
        values += 1
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    header_bytes = sum(len(name) + len(value) for name, value in headers.items())
    return 2 * len(raw) + 2 * header_bytes + BYTES_PER_VALUE * values + BYTES_PER_RECORD
