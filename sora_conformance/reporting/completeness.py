"""Did the run judge everything it set out to? An interrupted, `-x`-stopped or cut-short run is `incomplete`,
and an incomplete run never says PASS, whatever the tests that did run found."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INTERRUPTED = 2  # pytest.ExitCode.INTERRUPTED


@dataclass(frozen=True)
class Incomplete:
    reason: str
    tests_not_run: list[str]
    clauses_not_judged: list[str]
    tests_total: int

    def headline(self) -> str:
        clauses = ", ".join(self.clauses_not_judged) or "unknown (the run stopped before any test reported its clauses)"
        return (f"INCOMPLETE ({self.reason}): {len(self.tests_not_run)} of {self.tests_total} tests did not run; "
                f"clauses not judged: {clauses}")

    def as_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "tests_total": self.tests_total, "tests_not_run": self.tests_not_run,
                "clauses_not_judged": self.clauses_not_judged}


@dataclass
class Completeness:
    expected: dict[str, list[str]] = field(default_factory=dict)  # nodeid -> clauses ([] when unknown)
    done: set[str] = field(default_factory=set)
    judged_clauses: dict[str, list[str]] = field(default_factory=dict)

    def expect(self, nodeid: str, clauses: list[str]) -> None:
        self.expected[nodeid] = clauses

    def expect_ids(self, nodeids: list[str]) -> None:
        for nodeid in nodeids:
            self.expected.setdefault(nodeid, [])

    def learn_clauses(self, collected: dict[str, list[str]]) -> None:
        """The clauses of each collected test, as a worker collected them (the xdist controller collects nothing
        itself: without them, an interrupted run could not name the clauses it did not judge)."""
        for nodeid, clauses in collected.items():
            if isinstance(nodeid, str) and isinstance(clauses, list) and not self.expected.get(nodeid):
                self.expected[nodeid] = [str(c) for c in clauses]

    def judged(self, nodeid: str, clauses: list[str]) -> None:
        self.done.add(nodeid)
        self.judged_clauses[nodeid] = clauses

    @property
    def conformance_run(self) -> bool:
        return any(self.expected.values()) or any(self.judged_clauses.values())

    def incomplete(self, exitstatus: int, session: Any) -> Incomplete | None:
        not_run = [n for n in self.expected if n not in self.done]
        if exitstatus == INTERRUPTED:
            reason = "interrupted"
        elif getattr(session, "shouldfail", False) or getattr(session, "shouldstop", False):
            reason = f"stopped early: {session.shouldfail or session.shouldstop}"
        elif not_run:
            reason = "tests did not run"
        else:
            return None
        clauses = sorted({c for n in not_run for c in self.expected[n]})
        return Incomplete(reason, not_run, clauses, len(self.expected))
