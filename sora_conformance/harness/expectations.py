"""Known failures of one target, each with a reason; an expected failure that passes is stale."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..catalogue import UnknownClause, load_catalogue
from .config import ConfigError
from .yamlfile import load_checked_yaml


@dataclass(frozen=True)
class Expectation:
    reason: str
    test: str | None = None
    clause: str | None = None
    link: str | None = None

    def matches(self, nodeid: str, clauses: list[str]) -> bool:
        if self.test is not None:
            return nodeid == self.test or nodeid.endswith(self.test)
        return self.clause in clauses

    def describe(self) -> str:
        what = self.test or self.clause
        return f"{what}: {self.reason}" + (f" ({self.link})" if self.link else "")


class Expectations:
    def __init__(self, items: list[Expectation]) -> None:
        self.items = items

    def lookup(self, nodeid: str, clauses: list[str]) -> Expectation | None:
        return next((e for e in self.items if e.matches(nodeid, clauses)), None)


def load_expectations(path: Path | None) -> Expectations:
    if path is None:
        return Expectations([])
    data = load_checked_yaml(path, "expectations.schema.json", "--expectations",
                             " (every entry needs test or clause, and a reason)")
    items = [Expectation(e["reason"], e.get("test"), e.get("clause"), e.get("link")) for e in data["expectations"]]
    for item in items:
        if item.clause is not None:
            try:
                load_catalogue().get(item.clause)
            except UnknownClause as exc:
                raise ConfigError(f"--expectations {path}: {exc}") from None
    return Expectations(items)
