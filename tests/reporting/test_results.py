"""Clause verdicts from test results, and the CI gate."""
from sora_conformance.catalogue import load_catalogue
from sora_conformance.reporting.results import TestResult, clause_results, gate, worst


def result(nodeid, clauses, *verdicts, warnings=(), failed_clause=None):
    return TestResult(nodeid, list(clauses), list(verdicts), list(warnings), failed_clause)


def test_a_clause_takes_the_worst_verdict_of_its_tests():
    assert worst(["pass", "warn", "fail"]) == "fail" and worst(["unsupported", "pass"]) == "pass"
    assert worst(["known-failure", "pass"]) == "known-failure" and worst(["stale-expectation", "fail"]) == "stale-expectation"


def test_a_failure_belongs_to_the_clause_that_failed():
    tests = [result("t1", ["EXPIRE-ABSENT-WHEN-UNSET", "EXPIRED-AT-ABSENT-WHEN-UNSET"], "fail",
                    failed_clause="EXPIRED-AT-ABSENT-WHEN-UNSET")]
    verdicts = {c.id: c.verdict for c in clause_results(load_catalogue(), tests)}
    assert verdicts == {"EXPIRE-ABSENT-WHEN-UNSET": "pass", "EXPIRED-AT-ABSENT-WHEN-UNSET": "fail"}


def test_warnings_make_a_passing_test_warn():
    tests = [result("t1", ["API-ERROR-TYPE"], "pass", warnings=[{"clause": "API-ERROR-TYPE", "message": "m"}])]
    assert clause_results(load_catalogue(), tests)[0].verdict == "warn"


def test_gate_fails_on_must_failures_stale_entries_and_leaks_only():
    catalogue = load_catalogue()
    must_fail = clause_results(catalogue, [result("t", ["REC-STOP-ON-DESTROY"], "fail")])
    should_warn = clause_results(catalogue, [result("t", ["API-ERROR-TYPE"], "warn")])
    stale = clause_results(catalogue, [result("t", ["SESSION-NEW-ID"], "stale-expectation")])
    assert not gate(must_fail, False, [])[0]
    assert gate(should_warn, False, [])[0] and not gate(should_warn, True, [])[0]
    assert not gate(stale, False, [])[0]
    assert not gate(should_warn, False, ["session X still alive"])[0]
