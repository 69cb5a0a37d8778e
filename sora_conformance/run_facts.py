"""What the harness learns about a run and the reports print, handed over on pytest's config.

A leaf module: the harness writes these, the report writers read them, so reporting never imports the harness.
"""
from __future__ import annotations

from typing import Any

import pytest

LEAKS = pytest.StashKey[list[str]]()  # sessions of this run left alive (this process's targets, then the workers')
TARGET = pytest.StashKey[dict[str, Any]]()  # the target as printed: no credentials, headers redacted
PROFILE = pytest.StashKey[dict[str, Any]]()  # the resolved target profile's fields


def leaks_of_run(config: pytest.Config) -> list[str]:
    none: list[str] = []
    found: list[str] = config.stash.get(LEAKS, none)
    return list(found)


def record_leaks(config: pytest.Config, leaks: list[str]) -> None:
    config.stash[LEAKS] = leaks_of_run(config) + leaks
