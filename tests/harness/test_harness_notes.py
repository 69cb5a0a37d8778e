"""What goes wrong around a test without judging a clause (cleanup trouble, a contract rule no clause covers)
is a harness note, reported apart: it never turns an unrelated clause WARN or FAIL."""
from types import SimpleNamespace

import pytest

from sora_conformance.contract.validator import Violation
from sora_conformance.harness.verdict import Checker, ClauseFailure
from sora_conformance.harness.webhook_contract import check_webhooks

from .conftest import run_report, run_verdicts

pytest_plugins = ["pytester"]

CLEANUP_TROUBLE = '''
import pytest


@pytest.mark.clause("SESSION-NEW-ID")
def test_leaves_a_client_that_will_not_close(sora):
    sora.cleanup = lambda: ["client C1: worker process died"]
'''


def test_cleanup_trouble_is_a_harness_note_not_a_clause_warning(pytester):
    pytester.makepyfile(test_suite=CLEANUP_TROUBLE)
    result = pytester.runpytest_subprocess("-p", "sora_conformance.pytest_plugin", "--report-dir", "out")
    assert result.ret == 0
    assert run_verdicts(pytester) == {"SESSION-NEW-ID": "pass"}  # no REC-STOP-ON-DESTROY warning
    assert run_report(pytester)["harness_notes"] == [
        {"nodeid": "test_suite.py::test_leaves_a_client_that_will_not_close",
         "note": "cleanup: client C1: worker process died"}]
    assert "worker process died" in (pytester.path / "out" / "conformance-report.md").read_text()
    result.stdout.fnmatch_lines(["*1 harness notes (not verdicts)*worker process died*"])


def webhook(kind: str, clause: str | None, level: str = "must") -> SimpleNamespace:
    violation = Violation(kind, "/role", "'x' is not one of the roles", clause, "seed", level)
    return SimpleNamespace(type=kind, endpoint="event", schema=kind, violations=[violation])


def test_a_rule_no_clause_covers_fails_no_clause_on_a_webhook_that_is_not_a_recording_one():
    notes: list[str] = []
    checker = Checker()
    check_webhooks([webhook("connection.created", None)], checker, notes.append)
    assert checker.warnings == [] and len(notes) == 1
    assert "connection.created" in notes[0] and "no clause" in notes[0]


def test_a_recording_webhook_rule_without_a_clause_is_the_rest_unchanged_clause():
    with pytest.raises(ClauseFailure) as failure:
        check_webhooks([webhook("recording.started", None)], Checker(), lambda note: None)
    assert failure.value.clause == "WH-REC-REST-UNCHANGED"


def test_a_violation_counts_for_its_own_clause():
    checker = Checker()
    check_webhooks([webhook("connection.created", "ID-WEBHOOK", level="should")], checker, lambda note: None)
    assert [w.clause for w in checker.warnings] == ["ID-WEBHOOK"]
