"""What the harness keeps on pytest's config and items (stash keys), shared by its plugin modules."""
from __future__ import annotations

import pytest

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
