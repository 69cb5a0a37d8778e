"""From a test's outcome to its verdict: which clause failed, what could not be judged, known failures.

The verdict travels on the test report's `user_properties` (xdist forwards them to the controller):
`clauses`, `verdict`, `failed_clause` (the clause of the `ClauseFailure` that stopped the test), `error`
(one line: why the test could not judge), `warnings`, `unsupported` (clauses the test could not judge on this
machine, with the reason), `channel`, `session_ids`, `webhook_endpoints` (where its channels' webhooks came: a
report can tell a webhook that never came in the whole run), and `notes` (harness notes that judge no clause,
e.g. cleanup trouble).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..clients import ClientCrashed
from ..markers import clauses_of
from ..scrub import scrub_text
from ..verdicts import Verdict
from .expectations import Expectation
from .items import CHECKER, EXPECTATIONS, NOTES, SCENARIO
from .verdict import Checker, ClauseFailure, HarnessError

CALL_PASSED = pytest.StashKey[bool]()


def one_line(exc: BaseException) -> str:
    text = scrub_text(str(exc)).strip().splitlines()  # it goes into the reports: it may quote the target
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")[:300]


def outcome(report: pytest.TestReport, exc: BaseException | None,
            checker: Checker | None) -> tuple[Verdict, str | None, str | None]:
    """(verdict, failed clause, error) of one phase. Only a `ClauseFailure` (or a bare assertion of the test
    itself) says the target broke something; anything else kept the test from judging."""
    if report.skipped:  # the harness skips only for a capability the target profile lacks
        return Verdict.UNSUPPORTED, None, None
    if report.failed:
        if isinstance(exc, ClauseFailure):
            return Verdict.FAIL, exc.clause, None
        if isinstance(exc, ClientCrashed):
            return Verdict.ERROR, None, f"sora-sdk client crashed: {scrub_text(str(exc))}"
        if exc is not None and (report.when == "setup" or not isinstance(exc, AssertionError)):
            return Verdict.ERROR, None, one_line(exc)
        return Verdict.FAIL, None, None
    if checker is not None and checker.warnings:
        return Verdict.WARN, None, None
    return Verdict.PASS, None, None


def apply_expectation(item: pytest.Item, report: pytest.TestReport, expectation: Expectation, verdict: Verdict,
                      failed_clause: str | None) -> Verdict:
    """A listed test that fails is a known failure; one that passes call *and* teardown (where the contract
    checks of its webhooks run) is stale, and fails the run. A clause entry covers failures of that clause
    only: the same test failing another clause is a real failure."""
    if verdict == Verdict.ERROR:
        return verdict  # could not judge: neither known nor stale
    if report.failed:
        if expectation.clause is not None and failed_clause not in (None, expectation.clause):
            return verdict
        report.outcome = "skipped"
        report.wasxfail = f"known failure: {expectation.describe()}"
        return Verdict.KNOWN_FAILURE
    if report.when == "call":
        item.stash[CALL_PASSED] = report.passed
        return verdict
    if item.stash.get(CALL_PASSED, False):
        report.outcome = "failed"
        report.longrepr = f"stale expectation: {expectation.describe()} - the test now passes; remove the entry"
        return Verdict.STALE_EXPECTATION
    return Verdict.KNOWN_FAILURE  # the call already failed as expected


def judges(report: pytest.TestReport, expected_to_fail: bool) -> bool:
    """Does this phase carry a verdict? The call always; setup only when it stopped the test (a failure, or a
    capability skip); teardown when its contract checks failed, or to settle a listed expectation."""
    if report.when == "call":
        return True
    if report.when == "setup":
        return report.failed or report.skipped
    return report.failed or expected_to_fail


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    result: Any = yield
    report: pytest.TestReport = result.get_result()
    exc = call.excinfo.value if call.excinfo is not None else None
    clauses = clauses_of(item)
    checker = item.stash.get(CHECKER, None)
    expectation = item.config.stash[EXPECTATIONS].lookup(item.nodeid, clauses)
    verdict, failed_clause, error = outcome(report, exc, checker)
    if isinstance(exc, HarnessError):
        report.longrepr = f"could not judge: {error}"  # one line: the reason, not the harness's traceback
    if judges(report, expectation is not None):
        if expectation is not None and report.when != "setup":
            verdict = apply_expectation(item, report, expectation, verdict, failed_clause)
        failure = f"[{exc.clause}] {exc.title}" if isinstance(exc, ClauseFailure) else None
        report.user_properties += [("clauses", clauses), ("verdict", verdict.value), ("failed_clause", failed_clause),
                                   ("error", error), ("failure", failure)]
        scenario = item.stash.get(SCENARIO, None)
        if scenario is not None:
            report.user_properties.append(("channel", scenario.channels[0] if scenario.channels else None))
            report.user_properties.append(("session_ids", scenario.session_ids))
            report.user_properties.append(("webhook_endpoints", sorted(
                {str(w.endpoint) for channel in scenario.channels for w in scenario.webhooks(channel)})))
    if report.when == "teardown" and checker is not None:
        report.user_properties.append(("warnings", [w.as_dict() for w in checker.warnings]))
        report.user_properties.append(("unsupported", [u.as_dict() for u in checker.unsupported]))
    notes: list[str] = item.stash.get(NOTES, [])
    if report.when == "teardown" and notes:
        report.user_properties.append(("notes", notes))
