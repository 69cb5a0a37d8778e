"""A secret value (TEST_SECRET_KEY, --api-header values) that never shows itself in a repr.

It is a `str`, so requests, urllib3 and PyJWT send it as it is; but every repr shows REDACTED: pytest's
fixture argument dumps and tracebacks (console, junit.xml, Allure results), dataclass reprs, dicts of headers
handed down to urllib3. The one place a repr is not enough, pytest's string diffs, asks `assertion_lines`.
"""
from __future__ import annotations

from typing import Any

from ..scrub import REDACTED


class Secret(str):
    __slots__ = ()

    def __repr__(self) -> str:
        return REDACTED


def assertion_lines(op: str, left: Any, right: Any) -> list[str] | None:
    """pytest diffs two strings character by character; with a secret on either side, show only reprs."""
    if isinstance(left, Secret) or isinstance(right, Secret):
        return [f"{left!r} {op} {right!r}", "(a secret: its value is not shown)"]
    return None
