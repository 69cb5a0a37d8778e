"""What the harness keeps on pytest's config and items (stash keys), shared by its plugin modules."""
from __future__ import annotations

import pytest

from ..scrub import scrub_text
from .config import HarnessConfig
from .expectations import Expectations
from .profile import TargetProfile
from .scenario import Scenario
from .verdict import Checker

CONFIG = pytest.StashKey[HarnessConfig]()
PROFILE = pytest.StashKey[TargetProfile]()  # resolved once, at configure time
EXPECTATIONS = pytest.StashKey[Expectations]()
CHECKER = pytest.StashKey[Checker]()
SCENARIO = pytest.StashKey[Scenario]()
NOTES = pytest.StashKey[list[str]]()  # harness notes of a test (cleanup trouble, ...): reported apart from any clause


def note(item: pytest.Item, text: str) -> None:
    """A harness note about the test: what went wrong around it that judges no clause."""
    item.stash.setdefault(NOTES, []).append(scrub_text(text))  # it may quote the target
