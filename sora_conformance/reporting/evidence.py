"""Evidence attached to the Allure result of the running test, with secrets redacted."""
from __future__ import annotations

import json
import re
from typing import Any

SECRET_HEADER = re.compile(r"authorization|cookie|token|secret|password|api[-_]?key", re.I)
_secrets: set[str] = set()


def register_secret(value: str) -> None:
    if value:
        _secrets.add(value)


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "REDACTED" if isinstance(k, str) and SECRET_HEADER.search(k) and isinstance(v, str)
                else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, str):
        for secret in _secrets:
            value = value.replace(secret, "REDACTED")
    return value


def attach_json(name: str, obj: Any) -> None:
    try:
        import allure
    except ImportError:
        return
    try:
        allure.attach(json.dumps(redact(obj), ensure_ascii=False, indent=2, default=str), name=name,
                      attachment_type=allure.attachment_type.JSON)
    except Exception:  # evidence must never break a test
        pass


def parameter(name: str, value: object) -> None:
    try:
        import allure
        allure.dynamic.parameter(name, str(redact(value)))
    except Exception:
        pass
