"""Per-test results gathered from test reports, and per-clause verdicts computed from them (pure)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..catalogue import Catalogue
from ..verdicts import Verdict, worst
from .causes import cause_of


@dataclass(frozen=True)
class Phase:
    """One judged phase of a test (setup, call or teardown) as the harness reported it."""

    when: str
    verdict: str
    failed_clause: str | None = None  # the clause of the ClauseFailure that ended this phase


@dataclass
class TestResult:
    __test__ = False  # a result record, not a pytest test class
    nodeid: str
    clauses: list[str] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # harness notes: what went wrong around it, judging no clause
    unsupported: list[dict[str, str]] = field(default_factory=list)  # {"clause", "message"}: not judgeable here
    error: str | None = None  # why the test could not judge (verdict error), one line
    duration: float = 0.0
    outcome: str = "passed"
    channel: str | None = None
    session_ids: list[str] = field(default_factory=list)
    webhook_endpoints: list[str] = field(default_factory=list)  # the endpoints its channels' webhooks came on
    message: str | None = None

    @property
    def verdict(self) -> str:
        verdict = worst([p.verdict for p in self.phases]) if self.phases else Verdict.NOT_JUDGED.value
        if verdict == Verdict.PASS and self.warnings:
            return Verdict.WARN.value
        return verdict  # no phase judged at all is not-judged: never a vacuous pass

    @property
    def failed_clauses(self) -> list[str]:
        return [p.failed_clause for p in self.phases if p.failed_clause is not None]

    @property
    def why_stopped(self) -> str | None:
        """The one line about what stopped the test: why it could not judge, else its failure."""
        if self.verdict == Verdict.ERROR:
            return self.error or self.message
        return self.message if self.verdict == Verdict.FAIL else None

    def absorb(self, when: str, outcome: str, duration: float, props: dict[str, Any], message: str | None) -> None:
        self.duration += duration
        if outcome == "failed":
            self.outcome = "failed"
        elif outcome == "skipped" and self.outcome != "failed":
            self.outcome = "skipped"
        if props.get("clauses"):
            self.clauses = list(props["clauses"])
        if props.get("verdict"):
            self.phases.append(Phase(when, props["verdict"], props.get("failed_clause")))
        self.warnings += props.get("warnings") or []
        self.notes += props.get("notes") or []
        self.unsupported += props.get("unsupported") or []
        self.error = props.get("error") or self.error
        self.channel = props.get("channel") or self.channel
        self.session_ids = props.get("session_ids") or self.session_ids
        self.webhook_endpoints = props.get("webhook_endpoints") or self.webhook_endpoints
        if message and outcome != "passed":
            self.message = message

    def as_dict(self) -> dict[str, Any]:
        return {"nodeid": self.nodeid, "outcome": self.outcome, "verdict": self.verdict,
                "duration_s": round(self.duration, 3), "warnings": self.warnings,
                "unsupported": self.unsupported, "channel": self.channel,
                "failed_clauses": self.failed_clauses, "error": self.error, "message": self.message,
                "notes": self.notes}


def verdict_for_clause(clause_id: str, test: TestResult) -> str:
    """A test's verdict as it counts for one of its clauses. A failure belongs to the clause whose check
    failed. A call stopped by another clause's failure leaves this clause not judged (the test did not run to
    the end); a teardown contract check of another clause says nothing about this one."""
    counted = []
    for phase in test.phases:
        if phase.failed_clause is not None and phase.failed_clause != clause_id:
            if phase.when == "call":
                counted.append(Verdict.NOT_JUDGED.value)
            continue
        counted.append(phase.verdict)
    if not counted:
        return Verdict.NOT_JUDGED.value
    verdict = worst(counted)
    if verdict in (Verdict.PASS, Verdict.WARN):
        if any(w.get("clause") == clause_id for w in test.warnings):
            return Verdict.WARN.value
        if any(u.get("clause") == clause_id for u in test.unsupported):
            return Verdict.UNSUPPORTED.value  # the test ran but could not judge this clause here: never a pass
        if test.warnings:
            return Verdict.PASS.value  # the warnings were about other clauses; they count there
    return verdict


@dataclass
class ClauseResult:
    id: str
    level: str
    evidence: str
    area: str
    statement: str
    source: str
    tests: list[TestResult]

    @property
    def verdict(self) -> str:
        return worst([verdict_for_clause(self.id, t) for t in self.tests])

    @property
    def duration(self) -> float:
        return sum(t.duration for t in self.tests)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "evidence": self.evidence, "area": self.area,
                "statement": self.statement, "source": self.source, "verdict": self.verdict,
                "duration_s": round(self.duration, 3),
                "tests": [t.as_dict() | {"verdict": verdict_for_clause(self.id, t)} for t in self.tests]}


def clause_results(catalogue: Catalogue, tests: list[TestResult]) -> list[ClauseResult]:
    out = []
    for clause in catalogue:
        # a test that stopped on (or warned about) a clause it is not tagged with, e.g. a refused precondition
        # step, counts for that clause too
        mine = [t for t in tests if clause.id in t.clauses or clause.id in t.failed_clauses
                or any(w.get("clause") == clause.id for w in t.warnings)]
        if mine:
            out.append(ClauseResult(clause.id, clause.level, clause.evidence, clause.area, clause.statement,
                                    clause.source, mine))
    return out


def gate(clauses: list[ClauseResult], strict: bool, leaks: list[str]) -> tuple[bool, list[str]]:
    """The CI gate: passes only when no must-level clause fails, every test could judge, and no expectation
    is stale. (An incomplete run is refused before the gate: see `Completeness`.) Clauses that could not be
    judged for the same reasons are one line, a known cause said by its name (its remedy is said once, apart)."""
    reasons = []
    unjudged: dict[str, list[str]] = {}  # why -> the clauses it kept from being judged
    for c in clauses:
        v = c.verdict
        if v == Verdict.ERROR:
            why = "; ".join(sorted({_short_why(t.error) for t in c.tests if t.verdict == Verdict.ERROR}))
            unjudged.setdefault(why, []).append(f"{c.id} ({c.level})")
        elif v == Verdict.FAIL and (c.level == "must" or strict):
            reasons.append(f"{c.id} ({c.level}) {v}")
        elif v == "stale-expectation":
            reasons.append(f"{c.id}: stale expectation (the expected failure now passes)")
        elif v == "warn" and strict:
            reasons.append(f"{c.id} ({c.level}) warns under --strict")
    reasons = [f"{', '.join(ids)} could not be judged: {why}" for why, ids in unjudged.items()] + reasons
    reasons += [f"leak: {leak}" for leak in leaks]
    return not reasons, reasons


def _short_why(error: str | None) -> str:
    cause = cause_of(error)
    return cause.name if cause is not None else error or "error"

def harness_notes(tests: list[TestResult]) -> list[dict[str, str]]:
    """Every test's harness notes (cleanup trouble, contract rules no clause covers): reported apart from the
    clauses, since they judge none."""
    return [{"nodeid": t.nodeid, "note": n} for t in tests for n in t.notes]
