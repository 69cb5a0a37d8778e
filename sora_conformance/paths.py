"""Where the schemas and fixtures live: next to the packages in a checkout, or where the env says."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def schemas_dir() -> Path:
    return Path(os.environ.get("SORA_CONFORMANCE_SCHEMAS", REPO_ROOT / "schemas"))


def fixtures_dir() -> Path:
    return Path(os.environ.get("SORA_CONFORMANCE_FIXTURES", REPO_ROOT / "fixtures"))
