"""Which schema a payload or file answers to.

A payload's own `type` wins over everything but an explicit --as: a file named report-x.json that holds a
webhook is judged as that webhook. The file name decides only for files, which carry no type.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

RECORDING_TYPES = ("recording.started", "recording.report")
SAME_NAME_TYPES = {"session.created", "session.updated", "session.destroyed", "connection.created",
                   "connection.destroyed", "archive.started", "archive.available", "archive.failed",
                   "split-archive.available", "split-archive.end"}
FILE_PATTERNS = [
    (re.compile(r"^split-archive-end-.+\.json$"), "file.split-archive-end"),
    (re.compile(r"^split-archive-.+_\d{4,}\.json$"), "file.split-archive"),
    (re.compile(r"^archive-.+\.json$"), "file.archive"),
]


@dataclass(frozen=True)
class Classification:
    """The schema to check against, or why there is none: `error` fails, `note` only informs."""

    schema: str | None
    error: str | None = None
    note: str | None = None


def has_session_id(payload: dict[str, Any]) -> bool:
    data = payload.get("data")
    return "session_id" in payload or (isinstance(data, dict) and "session_id" in data)


def _recording_schema(kind: str, payload: dict[str, Any], endpoint: str | None) -> str | None:
    if endpoint == "session":
        return kind
    if endpoint == "event":
        return f"legacy.{kind}"
    legacy, session = "log_written" in payload, has_session_id(payload)
    if not legacy and not session:  # no marker: the payload does not say which recording it belongs to
        return None
    return f"legacy.{kind}" if legacy and not session else kind


def classify(payload: Any, endpoint: str | None = None) -> str | None:
    """Schema name for a webhook body; `endpoint` is session / event / auth when known. None: no schema."""
    return resolve(payload, endpoint).schema


def resolve(payload: Any, endpoint: str | None = None, filename: str | None = None) -> Classification:
    """The schema for a payload read from `filename` (if any) or posted to `endpoint` (if known)."""
    if endpoint == "auth":
        return Classification("auth.request")
    kind = payload.get("type") if isinstance(payload, dict) else None
    if isinstance(payload, dict) and kind is not None:
        return _by_type(payload, kind, endpoint)
    name = classify_file(filename, payload) if filename else None
    if name is not None:
        return Classification(name)
    return Classification(None, error="cannot tell which schema applies (no type and no recognised file name; "
                                      "use --as TYPE)")


def _by_type(payload: dict[str, Any], kind: Any, endpoint: str | None) -> Classification:
    if kind in RECORDING_TYPES:
        name = _recording_schema(kind, payload, endpoint)
        if name is None:
            return Classification(None, error=f"{kind} is ambiguous: it has neither session_id (session recording) "
                                              f"nor log_written (legacy recording); use --as {kind} or "
                                              f"--as legacy.{kind}")
        return Classification(name)
    if kind in SAME_NAME_TYPES:
        return Classification(kind)
    return Classification(None, note=f"type {kind!r} is not covered by the contract (not checked)")


def classify_file(filename: str, payload: Any = None) -> str | None:
    if filename.startswith("report-") and filename.endswith(".json"):
        if isinstance(payload, dict) and "session_id" not in payload and "metadata" in payload:
            return "file.legacy-report"
        return "file.report"
    for pattern, name in FILE_PATTERNS:
        if pattern.match(filename):
            return name
    return None
