"""What a replay found, whichever payloads it posted (the examples or generated ones): one reported case per
example or per webhook type, the failures of each, the negative payloads' answers, what was posted."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..contract.generate import edges_of
from .post import Answer


@dataclass(frozen=True)
class Failure:
    """A payload the receiver did not handle (for generated payloads: the smallest one found)."""

    kind: str
    payload: Any
    answer: Answer
    reason: str
    flaky: bool = False  # it passed when Hypothesis posted it again


@dataclass
class Case:
    """One reported test: an example file, or a webhook type of generated payloads."""

    name: str
    kind: str
    posted: int = 0
    failures: list[Failure] = field(default_factory=list)
    answer: Answer | None = None  # the answer to an example (its one post)


@dataclass(frozen=True)
class NegativeResult:
    kind: str
    name: str
    clause: str
    answer: Answer

    @property
    def accepted(self) -> bool:
        return self.answer.status is not None and 200 <= self.answer.status < 300


@dataclass
class Tally:
    posted: int = 0
    started: float = field(default_factory=time.monotonic)
    edges: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    failing: set[str] = field(default_factory=set)

    def record(self, kind: str, payload: Any, reason: str | None) -> None:
        self.posted += 1
        self.types[kind] += 1
        self.edges.update(edges_of(kind, payload))
        if reason is not None:
            self.failing.add(kind)

    def rate(self) -> float:
        return self.posted / max(time.monotonic() - self.started, 1e-9)


@dataclass
class Outcome:
    mode: str  # "examples" or "generated"
    types: list[str]
    cases: list[Case]
    tally: Tally
    seed: int | None = None
    negatives: list[NegativeResult] = field(default_factory=list)

    @property
    def failures(self) -> list[Failure]:
        return [f for case in self.cases for f in case.failures]

    @property
    def failing_types(self) -> list[str]:
        return sorted({f.kind for f in self.failures})
