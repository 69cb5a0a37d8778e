"""Shared by every test package. The real artifacts (../shared/real): one resolver; a test needing them
skips with one line where they are absent, and fails under CI=true, where they are always laid beside the
checkout."""
import os
from pathlib import Path

import pytest

from sora_conformance.paths import real_artifacts_dir


@pytest.fixture(scope="session")
def real() -> Path:
    found = real_artifacts_dir()
    if not found.is_dir():
        message = f"real artifacts not found at {found} (set SORA_CONFORMANCE_REAL)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found
