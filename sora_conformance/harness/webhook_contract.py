"""The contract checks of a test's webhooks, run at its teardown: every webhook of its channels was validated on
arrival; must-level violations fail the test, the others warn under their own clause.

A violation names the clause of the innermost schema annotation (`x-clause`). Where a recording webhook's rule
has none, it is WH-REC-REST-UNCHANGED (the seed: apart from the listed changes, the recording webhooks are the
legacy ones); any other webhook's rule without a clause judges no clause at all: it is a harness note.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from ..contract.validator import Violation
from .capture import Captured
from .verdict import Checker, ClauseFailure

RECORDING_FALLBACK = "WH-REC-REST-UNCHANGED"


def clause_of(record: Captured, violation: Violation) -> str | None:
    """The clause a violation judges; None when no clause of the catalogue covers its rule."""
    if violation.clause is not None:
        return violation.clause
    return RECORDING_FALLBACK if (record.type or "").startswith("recording.") else None


def check_webhooks(records: Iterable[Captured], checker: Checker, note: Callable[[str], None]) -> None:
    failures = []
    for record in records:
        for violation in record.violations:
            clause = clause_of(record, violation)
            if clause is None:
                note(f"contract: {record.type} on the {record.endpoint} webhook: {violation} "
                     "(no clause of the catalogue covers this rule: not judged)")
            elif violation.fails(checker.strict):
                failures.append((record, violation, clause))
            else:
                checker.warn(clause, f"{record.type} {violation}")
    if failures:
        record, violation, clause = failures[0]
        more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
        raise ClauseFailure(clause, f"{record.type} on the {record.endpoint} webhook breaks the contract{more}",
                            f"a payload valid against {record.schema}", str(violation))
