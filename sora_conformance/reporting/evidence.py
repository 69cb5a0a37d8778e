"""Evidence attached to the Allure result of the running test, with secrets redacted."""
from __future__ import annotations

import json
import re
from typing import Any

from ..scrub import REDACTED, scrub_text

SECRET_HEADER = re.compile(r"authorization|cookie|token|secret|password|api[-_]?key", re.I)


def redact(value: Any) -> Any:
    """Values under a credential-like key, and every live secret (`scrub`) anywhere else."""
    if isinstance(value, dict):
        return {redact(k): REDACTED if isinstance(k, str) and SECRET_HEADER.search(k) and isinstance(v, str)
                else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def attach_json(name: str, obj: Any) -> None:
    try:
        import allure
    except ImportError:
        return
    try:
        text = json.dumps(redact(obj), ensure_ascii=False, indent=2, default=str)
        allure.attach(scrub_text(text), name=name,  # scrubbed again: what `default=str` made of other objects
                      attachment_type=allure.attachment_type.JSON)
    except Exception:  # evidence must never break a test
        pass


def parameter(name: str, value: object) -> None:
    try:
        import allure
        allure.dynamic.parameter(name, scrub_text(str(redact(value))))
    except Exception:
        pass
