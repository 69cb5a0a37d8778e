"""A pytest plugin for `sora-conformance run --list`: prints each collected test's clauses."""
from __future__ import annotations

import pytest


def pytest_collection_finish(session: pytest.Session) -> None:
    for item in session.items:
        clauses = [c for m in item.iter_markers("clause") for c in m.args]
        print(f"CLAUSES {item.nodeid} {','.join(clauses)}")
