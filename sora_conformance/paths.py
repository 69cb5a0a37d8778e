"""Where the schemas and fixtures live (next to the packages in a checkout, or where the env says), and where
the real artifacts Sora and Shiguredo's tools wrote are read from."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def schemas_dir() -> Path:
    return Path(os.environ.get("SORA_CONFORMANCE_SCHEMAS", REPO_ROOT / "schemas"))


def fixtures_dir() -> Path:
    return Path(os.environ.get("SORA_CONFORMANCE_FIXTURES", REPO_ROOT / "fixtures"))


def real_artifacts_dir() -> Path:
    """What Sora and Shiguredo's tools really wrote, read at run time and never copied into the repository:
    SORA_CONFORMANCE_REAL, else shared/real beside the checkout (where CI lays shared/)."""
    return Path(os.environ.get("SORA_CONFORMANCE_REAL", REPO_ROOT.parent / "shared" / "real"))
