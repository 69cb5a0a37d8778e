"""The load conformance report: what every judged recording said, per clause, and how long each step took.

Read from the agents' session lines (one per recorded session, streamed: memory grows with the number of clauses
and steps, plus one latency figure per step per session) and their end-of-run status files. A run that did not
judge every session it started, or judged none, is incomplete: never a pass.
"""
from __future__ import annotations

import heapq
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogue import load_catalogue
from ..verdicts import Verdict

FAILED_ARCHIVES_KEPT = 100  # entries listed in the report (all are counted)
PERCENTILES = (50, 90, 95, 99)


@dataclass
class ClauseTally:
    judged: int = 0  # recordings on which the clause got a verdict (pass, fail or warn)
    passed: int = 0
    failed: int = 0
    warned: int = 0
    errors: int = 0  # recordings on which a check could not judge it
    not_judged: int = 0
    unsupported: int = 0
    first_failure: dict[str, Any] | None = None  # the first failing (or warned) recording, with its evidence

    def count(self, outcome: dict[str, Any], session: dict[str, Any]) -> None:
        verdict = outcome.get("verdict")
        if verdict in ("pass", "fail", "warn"):
            self.judged += 1
        self.passed += verdict == "pass"
        self.failed += verdict == "fail"
        self.warned += verdict == "warn"
        self.errors += verdict == "error"
        self.not_judged += verdict == "not-judged"
        self.unsupported += verdict == "unsupported"
        worse = verdict == "fail" and (self.first_failure is None or self.first_failure["verdict"] != "fail")
        if worse or (verdict == "warn" and self.first_failure is None):
            self.first_failure = {"verdict": verdict, "channel": session.get("channel"),
                                  "recording_id": session.get("recording_id"), "session": session.get("number"),
                                  "agent": session.get("agent"), "check": outcome.get("check"),
                                  "message": outcome.get("message"), "evidence": outcome.get("evidence")}

    @property
    def verdict(self) -> str:
        for verdict, count in ((Verdict.FAIL, self.failed), (Verdict.ERROR, self.errors), (Verdict.WARN, self.warned),
                               (Verdict.PASS, self.passed), (Verdict.NOT_JUDGED, self.not_judged)):
            if count:
                return verdict.value
        return Verdict.UNSUPPORTED.value


@dataclass
class LoadTally:
    sessions: int = 0
    judged: int = 0  # sessions whose recording was judged (not abandoned, no harness error)
    abandoned: int = 0
    errors: list[str] = field(default_factory=list)  # sessions that could not be judged, one line each
    clauses: dict[str, ClauseTally] = field(default_factory=dict)
    steps: dict[str, list[float]] = field(default_factory=dict)
    failed_steps: dict[str, int] = field(default_factory=dict)
    failed_archives: list[dict[str, Any]] = field(default_factory=list)
    failed_archive_count: int = 0

    def add(self, session: dict[str, Any]) -> None:
        self.sessions += 1
        for step, seconds in session.get("steps", {}).items():
            self.steps.setdefault(step, []).extend(seconds)
        for step in session.get("failed_steps", {}):
            self.failed_steps[step] = self.failed_steps.get(step, 0) + 1
        if session.get("abandoned"):
            self.abandoned += 1
            return
        if session.get("error"):
            self.errors.append(f"session {session.get('number')} of agent {session.get('agent')} "
                               f"({session.get('channel')}): {session['error']}")
            return
        self.judged += 1
        for outcome in session.get("outcomes", []):
            self.clauses.setdefault(outcome["clause"], ClauseTally()).count(outcome, session)
        for failed in session.get("failed_archives", []):
            self.failed_archive_count += 1
            if len(self.failed_archives) < FAILED_ARCHIVES_KEPT:
                self.failed_archives.append({"channel": session.get("channel"),
                                             "recording_id": session.get("recording_id")} | failed)


def read_sessions(results: Path) -> Iterator[dict[str, Any]]:
    """Every agent's session lines, in the order the sessions ended (each file is; merged, not loaded)."""
    files = [_lines(path) for path in sorted(results.glob("sessions-*.jsonl"))]
    yield from heapq.merge(*files, key=lambda session: session.get("ended", 0))


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def read_agents(results: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(results.glob("agent-*.json"))]


def tally(results: Path) -> LoadTally:
    found = LoadTally()
    for session in read_sessions(results):
        found.add(session)
    return found


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}
    figures = {f"p{p}": ordered[min(len(ordered) - 1, max(0, -(-p * len(ordered) // 100) - 1))] for p in PERCENTILES}
    return {"count": len(ordered), **figures, "max": ordered[-1]}


def incomplete_reasons(found: LoadTally, agents: list[dict[str, Any]], expected_agents: int,
                       run: dict[str, Any]) -> list[str]:
    """Why the run cannot say PASS, whatever the recordings it did judge said."""
    reasons = []
    if run.get("stopped_by"):
        reasons.append(f"stopped by {run['stopped_by']}")
    if run.get("deadline_hit"):
        reasons.append("the run did not end within its deadline and was stopped")
    if not run.get("stopped_by") and any(code not in (0, 1) for code in run.get("locust_exit_codes", [])):
        reasons.append(f"a Locust process failed (exit codes {run['locust_exit_codes']}; see locust.log)")
    if len(agents) < expected_agents:
        reasons.append(f"{expected_agents - len(agents)} of {expected_agents} agents did not report how they ended "
                       "(see agents.log)")
    for agent in agents:
        if agent.get("unfinished"):
            reasons.append(f"agent {agent['agent']}: sessions still running when it stopped: {agent['unfinished']}")
    if found.judged == 0:
        reasons.append("no recording was judged")
    if found.abandoned:
        reasons.append(f"{found.abandoned} sessions were abandoned before their recording could be judged")
    if found.errors:
        reasons.append(f"{len(found.errors)} sessions could not be judged (first: {found.errors[0]})")
    return reasons


def failing_reasons(found: LoadTally, agents: list[dict[str, Any]], leaks: list[str]) -> list[str]:
    reasons = [f"{clause}: {t.failed} of {t.judged} recordings fail it" for clause, t in found.clauses.items()
               if t.failed]
    for agent in agents:
        if agent.get("still_alive"):
            reasons.append(f"agent {agent['agent']}: sessions the target did not destroy once everyone had left: "
                           f"{agent['still_alive'][:10]}")
    if found.failed_archive_count:
        reasons.append(f"{found.failed_archive_count} archives failed (failed_archives)")
    reasons += [f"leak: {leak}" for leak in leaks]
    return reasons


def clause_rows(found: LoadTally) -> list[dict[str, Any]]:
    catalogue = load_catalogue()
    rows = []
    for clause in catalogue:
        t = found.clauses.get(clause.id)
        if t is not None:
            rows.append({"id": clause.id, "level": clause.level, "evidence": clause.evidence, "verdict": t.verdict,
                         "judged": t.judged, "passed": t.passed, "failed": t.failed, "warned": t.warned,
                         "errors": t.errors, "not_judged": t.not_judged, "unsupported": t.unsupported,
                         "first_failure": t.first_failure})
    return rows
