"""Verdicts that never lie, through pytest itself: the failing clause alone fails, harness trouble is an
error with its reason, and a run that did not finish is incomplete, never PASS."""
from .conftest import run_report, run_verdicts

pytest_plugins = ["pytester"]

TWO_CLAUSES = '''
import pytest
from sora_conformance.harness.verdict import Checker


@pytest.mark.clause("EXPIRE-ABSENT-WHEN-UNSET", "EXPIRED-AT-ABSENT-WHEN-UNSET")
def test_fails_its_second_clause(request: "list[str]"):
    Checker().check("EXPIRED-AT-ABSENT-WHEN-UNSET", False, "expired_at present", "absent", "2026-01-01")
'''

HARNESS_ERROR = '''
import pytest
from sora_conformance.harness.verdict import HarnessError


@pytest.mark.clause("SESSION-NEW-ID")
def test_target_went_away():
    raise HarnessError("cannot reach the Sora API at http://127.0.0.1:9/: read timed out")
'''

def three_tests(first_passes: bool) -> str:
    return f'''
import pytest
from sora_conformance.harness.verdict import Checker


@pytest.mark.clause("SESSION-NEW-ID")
def test_first():
    Checker().check("SESSION-NEW-ID", {first_passes}, "same id twice")


@pytest.mark.clause("SESSION-ID-FORMAT")
def test_second():
    pass


@pytest.mark.clause("REC-RESTART-NEW-ID")
def test_third_is_interrupted():
    raise KeyboardInterrupt
'''


def run(pytester, source, *args):
    pytester.makepyfile(test_suite=source)
    # a subprocess: a KeyboardInterrupt must interrupt that run, not this one
    return pytester.runpytest_subprocess("-p", "sora_conformance.pytest_plugin", "--report-dir", "out", *args)


def test_a_two_clause_test_fails_only_the_clause_whose_check_failed(pytester):
    # the signature's "list[str]" once fooled the old text parsing of the failure into the wrong clause
    result = run(pytester, TWO_CLAUSES)
    assert result.ret == 1
    assert run_verdicts(pytester) == {"EXPIRED-AT-ABSENT-WHEN-UNSET": "fail", "EXPIRE-ABSENT-WHEN-UNSET": "not-judged"}
    test = run_report(pytester)["clauses"][0]["tests"][0]
    assert test["failed_clauses"] == ["EXPIRED-AT-ABSENT-WHEN-UNSET"]


def test_a_harness_error_is_an_error_with_its_reason_not_a_clause_failure(pytester):
    result = run(pytester, HARNESS_ERROR)
    assert result.ret == 1
    data = run_report(pytester)
    assert run_verdicts(pytester) == {"SESSION-NEW-ID": "error"}
    assert data["summary"]["clauses_broken_by_target"] == 0 and data["summary"]["tests_could_not_judge"] == 1
    assert "read timed out" in data["could_not_judge"][0]["reason"]
    markdown = (pytester.path / "out" / "conformance-report.md").read_text()
    assert "0 clauses; 1 tests could not judge" in markdown and "read timed out" in markdown


def test_an_interrupted_run_is_incomplete_and_never_pass(pytester):
    result = run(pytester, three_tests(first_passes=True))
    assert result.ret != 0
    data = run_report(pytester)
    assert data["verdict"] == "incomplete" and data["incomplete"]["reason"] == "interrupted"
    assert data["incomplete"]["clauses_not_judged"] == ["REC-RESTART-NEW-ID"]
    result.stdout.fnmatch_lines(["*sora recording conformance: INCOMPLETE*"])
    assert "PASS" not in (pytester.path / "out" / "conformance-report.md").read_text().splitlines()[0]


def test_an_interrupted_distributed_run_names_the_clauses_it_did_not_judge(pytester):
    # under xdist the controller collects nothing itself: the workers tell it which clause each test judges
    result = run(pytester, three_tests(first_passes=True), "-n", "2")
    assert result.ret != 0
    incomplete = run_report(pytester)["incomplete"]
    assert incomplete["reason"] == "interrupted" and "test_suite.py::test_third_is_interrupted" in \
        incomplete["tests_not_run"]
    clause_of = {"test_first": "SESSION-NEW-ID", "test_second": "SESSION-ID-FORMAT",
                 "test_third_is_interrupted": "REC-RESTART-NEW-ID"}
    assert incomplete["clauses_not_judged"] == sorted(clause_of[n.split("::")[1]] for n in incomplete["tests_not_run"])


def test_a_run_stopped_by_x_is_incomplete(pytester):
    result = run(pytester, three_tests(first_passes=False), "-x")
    assert result.ret != 0
    data = run_report(pytester)
    assert data["verdict"] == "incomplete" and data["incomplete"]["reason"].startswith("stopped early")
    assert set(data["incomplete"]["clauses_not_judged"]) == {"SESSION-ID-FORMAT", "REC-RESTART-NEW-ID"}


def test_a_clause_expectation_does_not_hide_a_failure_of_another_clause(pytester):
    pytester.makefile(".yaml", expect="expectations:\n  - clause: EXPIRE-ABSENT-WHEN-UNSET\n    reason: ticket 7\n")
    result = run(pytester, TWO_CLAUSES, "--expectations", "expect.yaml")
    assert result.ret == 1 and run_verdicts(pytester)["EXPIRED-AT-ABSENT-WHEN-UNSET"] == "fail"


def test_a_leak_file_left_by_an_earlier_run_does_not_fail_this_one(pytester):
    (pytester.path / "out").mkdir()
    (pytester.path / "out" / "leaks-main.json").write_text('["session S of an old run is still alive"]')
    result = run(pytester, "import pytest\n\n@pytest.mark.clause('SESSION-NEW-ID')\ndef test_ok():\n    pass\n")
    assert result.ret == 0 and run_report(pytester)["verdict"] == "pass" and run_report(pytester)["leaks"] == []


def test_a_server_error_is_not_a_refusal():
    from sora_conformance.harness.scenario import Scenario
    from sora_conformance.harness.target import Exchange
    from sora_conformance.harness.verdict import Checker, ClauseFailure

    def scenario_answering(status: int, body) -> Scenario:
        scenario = Scenario.__new__(Scenario)  # only its checks run here; the API answers what we say
        scenario.clauses, scenario._checker = ["REC-START-NO-SESSION"], Checker()
        scenario.call = lambda target, sent: Exchange(target, sent, status, body, 0.01)
        return scenario

    scenario_answering(400, {"error_type": "SESSION-NOT-FOUND"}).expect_refused(
        "Sora_20231220.StartRecording", {}, "StartRecording without a session")
    for status in (500, 503):
        try:
            scenario_answering(status, "oops").expect_refused("Sora_20231220.StartRecording", {}, "StartRecording")
        except ClauseFailure as failure:
            assert failure.clause == "REC-START-NO-SESSION" and "server error instead of a refusal" in failure.title
        else:
            raise AssertionError(f"{status} was taken for a refusal")


def test_a_test_naming_a_clause_it_is_not_tagged_with_is_a_harness_error():
    from sora_conformance.harness.scenario import Scenario
    from sora_conformance.harness.verdict import Checker, HarnessError

    scenario = Scenario.__new__(Scenario)
    scenario.clauses, scenario._checker = ["SESSION-NEW-ID"], Checker()
    assert scenario.check(True, "fine") is True
    try:
        scenario.check(True, "about another clause", clause="BLOCK-AUTH")
    except HarnessError as exc:
        assert "tagged only with SESSION-NEW-ID" in str(exc)
    else:
        raise AssertionError("an untagged clause was accepted")


API_TIMEOUTS = '''
import pytest
from sora_conformance.harness.verdict import HarnessError


@pytest.mark.parametrize("n", range(3))
@pytest.mark.clause("SESSION-NEW-ID")
def test_target_too_slow(n):
    raise HarnessError(f"cannot reach the Sora API at http://127.0.0.1:9/: Read timed out. (test {n})")
'''


def test_a_cause_that_stops_many_tests_is_said_once_on_the_console(pytester):
    result = run(pytester, API_TIMEOUTS)
    assert result.ret == 1
    remedies = [line for line in result.stdout.lines if "did not answer in time" in line]
    assert len(remedies) == 1 and "(3 tests)" in remedies[0] and "--timeout-multiplier" in remedies[0]
    result.stdout.fnmatch_lines(["*SESSION-NEW-ID (must) could not be judged: API timeout"])
    assert run_report(pytester)["causes"][0]["tests"] == [f"test_suite.py::test_target_too_slow[{n}]" for n in range(3)]
