"""Judging one recording made under load: a list of named checks, each about its own clauses.

A check looks at a `Recording` (its webhooks, its report, its files) and says, per clause it judges, pass / fail
/ warn, with evidence for what failed. It never stops at the first failure: a load run counts, per clause, how
many recordings passed. More checks plug in by adding a `NamedCheck` to `CHECKS` (checks.py).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..catalogue import load_catalogue
from ..clients import SoraClient
from ..harness.archive import ArchiveDir
from ..harness.capture import Captured
from ..harness.media import RecordedFile, connection_media
from ..harness.verdict import ClauseFailure, HarnessError
from ..scrub import scrub, scrub_text
from ..verdicts import Verdict

EVIDENCE_CHARS = 4000  # of one failure's evidence: a load run keeps the first failing recording of each clause


@dataclass
class Outcome:
    clause: str
    verdict: str  # a Verdict value: pass, fail, warn, error (could not judge), unsupported
    check: str = ""
    message: str | None = None
    evidence: str | None = None  # scrubbed JSON, cut to EVIDENCE_CHARS

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Recording:
    """One recorded session, as the checks see it."""

    channel: str
    recording_id: str
    session_id: str | None
    clients: list[SoraClient]
    params: dict[str, Any]  # what StartRecording (or the session.created answer) asked for
    webhooks: list[Captured]  # every webhook of the channel, in arrival order
    report: Captured | None  # recording.report, None when it never came
    archive: ArchiveDir | None  # None: archive_dir is not readable here
    strict: bool = False
    _media: dict[str, list[RecordedFile]] = field(default_factory=dict, repr=False)

    def media(self, connection_id: str, clause: str) -> list[RecordedFile]:
        """The connection's media files, decoded once for every check; none breaks `clause`."""
        if connection_id not in self._media:
            assert self.archive is not None
            self._media[connection_id] = connection_media(self.archive, self.recording_id, connection_id, clause,
                                                          _no_evidence)
        return self._media[connection_id]

    @property
    def connection_ids(self) -> list[str]:
        return [c.connection_id for c in self.clients if c.connection_id]

    @property
    def split_only(self) -> bool:
        return bool(self.params.get("split_only"))

    @property
    def format(self) -> str:
        return str(self.params.get("format", "webm"))

    def of(self, kind: str, endpoint: str | None = None) -> list[Captured]:
        return [w for w in self.webhooks if w.type == kind and (endpoint is None or w.endpoint == endpoint)]


class Findings:
    """What one check found, clause by clause: every failure kept (the level decides fail or warn)."""

    def __init__(self, check: str, clauses: Sequence[str], strict: bool) -> None:
        self.check = check
        self.strict = strict
        self.clauses = tuple(clauses)
        self._verdicts: dict[str, list[Outcome]] = {clause: [] for clause in clauses}

    def expect(self, clause: str, condition: bool, title: str, actual: Any = None) -> bool:
        if not condition:
            level = load_catalogue().get(clause).enforced_level
            verdict = Verdict.FAIL if level == "must" or self.strict else Verdict.WARN
            self.add(Outcome(clause, verdict.value, self.check, scrub_text(title), _evidence(actual)))
        else:
            self._verdicts.setdefault(clause, [])
        return condition

    def cannot_judge(self, clause: str, why: str) -> None:
        """What the clause is about is missing for a reason another clause already failed (no report to read)."""
        self.add(Outcome(clause, Verdict.NOT_JUDGED.value, self.check, why))

    def add(self, outcome: Outcome) -> None:
        self._verdicts.setdefault(outcome.clause, []).append(outcome)

    def outcomes(self, interrupted: str | None = None) -> list[Outcome]:
        """One outcome per clause: its worst finding, or pass; when the check was `interrupted`, a clause without
        a failure is not-judged (the check stopped before it had looked at everything)."""
        found = []
        for clause, outcomes in self._verdicts.items():
            if not outcomes and interrupted:
                found.append(Outcome(clause, Verdict.NOT_JUDGED.value, self.check, interrupted))
            elif not outcomes:
                found.append(Outcome(clause, Verdict.PASS.value, self.check))
            else:
                found += worst_per_clause(outcomes)
        return found


CheckRun = Callable[[Recording, Findings], None]


@dataclass(frozen=True)
class NamedCheck:
    name: str
    clauses: tuple[str, ...]  # what it judges on every recording (a failure may name another clause too)
    run: CheckRun
    needs_archive_dir: bool = False
    when: Callable[[Recording], bool] = field(default=lambda rec: True)  # e.g. split checks on split recordings


def judge(recording: Recording, checks: Sequence[NamedCheck]) -> list[Outcome]:
    """One outcome per clause: the worst of what every check that applies said about it. A check that cannot
    judge is `error` for its clauses, one needing archive_dir where it is not readable `unsupported`; neither is
    ever a pass."""
    outcomes: list[Outcome] = []
    for check in checks:
        if not check.when(recording):
            continue
        if check.needs_archive_dir and recording.archive is None:
            outcomes += [Outcome(c, Verdict.UNSUPPORTED.value, check.name, "archive_dir is not readable here "
                                 "(--archive-dir)") for c in check.clauses]
            continue
        findings = Findings(check.name, check.clauses, recording.strict)
        interrupted = None
        try:
            check.run(recording, findings)
        except ClauseFailure as failure:  # a step inside the check (reading a file) found the target wrong
            findings.expect(failure.clause, False, failure.title, failure.actual)
            interrupted = f"not judged: the check stopped at [{failure.clause}] {failure.title}"
        except (HarnessError, OSError) as exc:
            for clause in check.clauses:
                findings.add(Outcome(clause, Verdict.ERROR.value, check.name, scrub_text(f"could not judge: {exc}")))
        outcomes += findings.outcomes(interrupted)
    return worst_per_clause(outcomes)


def worst_per_clause(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """A clause two checks judged (the webhooks and the report file both carry expire_time) counts once per
    recording, with its worst verdict and that verdict's first message."""
    order = [v.value for v in Verdict]
    kept: dict[str, Outcome] = {}
    for outcome in outcomes:
        known = kept.get(outcome.clause)
        if known is None or order.index(outcome.verdict) < order.index(known.verdict):
            kept[outcome.clause] = outcome
    return list(kept.values())


def _no_evidence(name: str, value: Any) -> None:
    """A load run keeps the evidence of failures only (Outcome.evidence), not of every file it reads."""


def _evidence(actual: Any) -> str | None:
    if actual is None:
        return None
    text = json.dumps(scrub(actual), ensure_ascii=False, default=str)
    return text if len(text) <= EVIDENCE_CHARS else text[:EVIDENCE_CHARS] + "…"
