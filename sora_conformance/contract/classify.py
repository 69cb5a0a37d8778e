"""Which schema a payload or file answers to."""
from __future__ import annotations

import re
from typing import Any

RECORDING_TYPES = ("recording.started", "recording.report")
SAME_NAME_TYPES = {"session.created", "session.destroyed", "connection.created", "connection.destroyed",
                   "archive.started", "archive.available", "archive.failed", "split-archive.available",
                   "split-archive.end"}
FILE_PATTERNS = [
    (re.compile(r"^split-archive-end-.+\.json$"), "file.split-archive-end"),
    (re.compile(r"^split-archive-.+_\d{4,}\.json$"), "file.split-archive"),
    (re.compile(r"^archive-.+\.json$"), "file.archive"),
]


def has_session_id(payload: dict[str, Any]) -> bool:
    data = payload.get("data")
    return "session_id" in payload or (isinstance(data, dict) and "session_id" in data)


def classify(payload: Any, endpoint: str | None = None) -> str | None:
    """Schema name for a webhook body; `endpoint` is session / event / auth when known. None: no schema."""
    if endpoint == "auth":
        return "auth.request"
    if not isinstance(payload, dict):
        return None
    kind = payload.get("type")
    if kind in RECORDING_TYPES:
        if endpoint == "session":
            return kind
        if endpoint == "event":
            return f"legacy.{kind}"
        legacy = "log_written" in payload and not has_session_id(payload)
        return f"legacy.{kind}" if legacy else kind
    if kind in SAME_NAME_TYPES:
        return kind
    return None


def classify_file(filename: str, payload: Any = None) -> str | None:
    if filename.startswith("report-") and filename.endswith(".json"):
        if isinstance(payload, dict) and "session_id" not in payload and "metadata" in payload:
            return "file.legacy-report"
        return "file.report"
    for pattern, name in FILE_PATTERNS:
        if pattern.match(filename):
            return name
    return None
