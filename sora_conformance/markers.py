"""How a test names its clauses (`@pytest.mark.clause(...)`), read the same way by harness and reports."""
from __future__ import annotations

from typing import Any


def clauses_of(item: Any) -> list[str]:
    """The clause IDs a pytest item is tagged with, in marker order, each once."""
    seen: list[str] = []
    for mark in item.iter_markers("clause"):
        seen += [c for c in mark.args if c not in seen]
    return seen
