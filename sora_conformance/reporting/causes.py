"""Causes that repeat, each said once with its remedy.

The commonest misconfigurations of a staging Sora (it cannot reach the harness's webhooks, or the harness cannot
reach it) stop many tests on the same thing. The reports name each such cause first, with its remedy and the
tests it stopped listed under it, instead of one line per test. The verdicts do not change: this only says why.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Cause:
    name: str  # short, for the gate's reasons
    pattern: re.Pattern[str]  # searched in a test's one-line error, or its failure
    remedy: str  # the line said once; {webhooks}, {api}, {signaling}: the run's addresses as printed
    endpoint: str | None = None  # a webhook that never came: only when none of that endpoint came in the whole run


CAUSES = (
    Cause("auth webhook unreachable", re.compile(r"AUTH-WEBHOOK-ERROR"),
          "Sora could not reach the auth webhook at {webhooks}auth: check `auth_webhook_url` in sora.conf and that "
          "`--webhook-listen` is reachable from Sora"),
    Cause("signaling unreachable",
          re.compile(r"Failed Websocket handshake|cannot open a WebSocket|no WebSocket handshake", re.IGNORECASE),
          "Sora's signaling at {signaling} could not be reached: check `--sora-signaling-url` / TEST_SIGNALING_URLS "
          "and that its port is reachable from here"),
    Cause("API timeout", re.compile(r"cannot reach the Sora API at \S+ .*timed? ?out", re.IGNORECASE),
          "Sora's API at {api} did not answer in time: check that it is not overloaded, or raise "
          "`--timeout-multiplier`"),
    Cause("API unreachable", re.compile(r"cannot reach the Sora API at "),
          "Sora's API at {api} could not be reached: check `--sora-api-url` / TEST_API_URL and that its port is "
          "reachable from here"),
    Cause("session webhook never arrived", re.compile(r"no \S+ on the session webhook for channel"),
          "No session webhook arrived from Sora in the whole run: check `session_webhook_url` in sora.conf "
          "({webhooks}session) and that `--webhook-listen` is reachable from Sora", endpoint="session"),
    Cause("event webhook never arrived",
          re.compile(r"no (archive|split-archive|connection)\.\S+ (on the event webhook )?for channel"),
          "No event webhook arrived from Sora in the whole run: check `event_webhook_url` in sora.conf "
          "({webhooks}event) and that `--webhook-listen` is reachable from Sora", endpoint="event"),
)


def cause_of(text: str | None, seen: set[str] | None = None) -> Cause | None:
    """The known cause a test's error or failure names. A webhook that never came is a cause only when `seen`
    (the endpoints any webhook of the run came on) lacks its endpoint."""
    if not text:
        return None
    for cause in CAUSES:
        if cause.pattern.search(text) and (cause.endpoint is None or (seen is not None and cause.endpoint not in seen)):
            return cause
    return None


def repeated_causes(stopped: Iterable[tuple[str, str | None]], seen: set[str],
                    target: dict[str, Any]) -> list[dict[str, Any]]:
    """Each known cause that stopped a test, once: its name, its remedy with the run's addresses, one test's own
    line as an example, and the tests.
    `stopped`: (test, what stopped it); `seen`: the endpoints any webhook of the run came on."""
    found: dict[Cause, list[str]] = {}
    example: dict[Cause, str] = {}  # the first test's own line, said once too: the detail behind the remedy
    for nodeid, why in stopped:
        cause = cause_of(why, seen)
        if cause is not None:
            found.setdefault(cause, []).append(nodeid)
            example.setdefault(cause, str(why)[:300])
    return [{"cause": cause.name, "remedy": cause.remedy.format(**addresses(target)), "example": example[cause],
             "tests": nodeids} for cause, nodeids in found.items()]


def addresses(target: dict[str, Any]) -> dict[str, str]:
    """The run's addresses as the reports print them (no credentials: see harness/config.printed_target)."""
    embedded = "the embedded emulator's"
    return {"webhooks": str(target.get("webhooks") or "<the capture server>/webhook/"),
            "api": str(target.get("api_url") or embedded + " API"),
            "signaling": ", ".join(target.get("signaling_urls") or []) or embedded + " signaling"}
