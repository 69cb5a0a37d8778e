"""Verdicts through pytest itself: must fails, should warns, --strict, expectations and stale entries."""
from .conftest import run_verdicts

pytest_plugins = ["pytester"]

SUITE = '''
import pytest
from sora_conformance.harness.verdict import Checker


@pytest.mark.clause("REC-STOP-ON-DESTROY")
def test_must_failure():
    Checker().check("REC-STOP-ON-DESTROY", False, "recording survived", "ended", "running")


@pytest.mark.clause("API-ERROR-TYPE")
def test_should_only_warns(request):
    checker = Checker(strict=request.config.getoption("strict"))
    checker.check("API-ERROR-TYPE", False, "no error_type")


@pytest.mark.clause("SESSION-NEW-ID")
def test_passes():
    pass
'''


def run(pytester, *args):
    pytester.makepyfile(test_suite=SUITE)
    return pytester.runpytest("-p", "sora_conformance.pytest_plugin", "--report-dir", "out", *args)


def test_must_failure_fails_the_run_and_should_passes(pytester):
    result = run(pytester)
    assert result.ret == 1
    assert run_verdicts(pytester) == {"REC-STOP-ON-DESTROY": "fail", "API-ERROR-TYPE": "pass", "SESSION-NEW-ID": "pass"}


def test_strict_turns_should_into_failure(pytester):
    result = run(pytester, "--strict")
    assert result.ret == 1 and run_verdicts(pytester)["API-ERROR-TYPE"] == "fail"


def test_expected_failure_is_a_known_failure_and_passes_the_gate(pytester):
    pytester.makefile(".yaml", expect="expectations:\n  - clause: REC-STOP-ON-DESTROY\n    reason: ticket 42\n")
    result = run(pytester, "--expectations", "expect.yaml")
    assert result.ret == 0 and run_verdicts(pytester)["REC-STOP-ON-DESTROY"] == "known-failure"


def test_expected_failure_that_passes_is_stale(pytester):
    pytester.makefile(".yaml", expect="expectations:\n  - test: test_suite.py::test_passes\n    reason: was broken\n")
    result = run(pytester, "-k", "passes", "--expectations", "expect.yaml")
    assert result.ret == 1 and run_verdicts(pytester)["SESSION-NEW-ID"] == "stale-expectation"
    assert "stale expectation" in result.stdout.str()


def test_expectation_without_reason_is_a_usage_error(pytester):
    pytester.makefile(".yaml", expect="expectations:\n  - clause: REC-STOP-ON-DESTROY\n")
    result = run(pytester, "--expectations", "expect.yaml")
    assert result.ret == 4 and "reason" in result.stderr.str()


def test_unknown_clause_selection_is_a_usage_error(pytester):
    result = run(pytester, "--clause", "NOT-A-CLAUSE")
    assert result.ret == 4 and "unknown clause" in result.stderr.str()


def test_clause_selection_runs_only_that_clause(pytester):
    result = run(pytester, "--clause", "SESSION-NEW-ID")
    result.assert_outcomes(passed=1, deselected=2)


TEARDOWN_SUITE = '''
import pytest
from sora_conformance.harness.verdict import ClauseFailure


@pytest.fixture
def webhooks_checked_at_teardown():
    yield
    raise ClauseFailure("WH-REC-NO-LOG-WRITTEN", "recording.report carries log_written", "no log_written")


@pytest.mark.clause("WH-REC-NO-LOG-WRITTEN")
def test_contract_checked_after_the_scenario(webhooks_checked_at_teardown):
    pass
'''


def test_expected_failure_found_at_teardown_is_not_stale(pytester):
    pytester.makepyfile(test_teardown=TEARDOWN_SUITE)
    pytester.makefile(".yaml", expect="expectations:\n  - clause: WH-REC-NO-LOG-WRITTEN\n    reason: ticket 7\n")
    result = pytester.runpytest("-p", "sora_conformance.pytest_plugin", "--report-dir", "out",
                                "--expectations", "expect.yaml")
    assert result.ret == 0 and run_verdicts(pytester) == {"WH-REC-NO-LOG-WRITTEN": "known-failure"}
