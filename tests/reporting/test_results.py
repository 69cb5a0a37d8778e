"""Clause verdicts from test results, and the CI gate."""
from sora_conformance.catalogue import load_catalogue
from sora_conformance.reporting.results import Phase, TestResult, clause_results, gate, worst


def result(nodeid, clauses, *verdicts, warnings=(), failed_clause=None, when="call"):
    return TestResult(nodeid, list(clauses), [Phase(when, v, failed_clause) for v in verdicts], list(warnings))


def test_a_clause_takes_the_worst_verdict_of_its_tests():
    assert worst(["pass", "warn", "fail"]) == "fail" and worst(["unsupported", "pass"]) == "pass"
    assert worst(["known-failure", "pass"]) == "known-failure" and worst(["stale-expectation", "fail"]) == "stale-expectation"


def test_a_failure_belongs_to_the_clause_that_failed_and_leaves_the_others_not_judged():
    tests = [result("t1", ["EXPIRE-ABSENT-WHEN-UNSET", "EXPIRED-AT-ABSENT-WHEN-UNSET"], "fail",
                    failed_clause="EXPIRED-AT-ABSENT-WHEN-UNSET")]
    verdicts = {c.id: c.verdict for c in clause_results(load_catalogue(), tests)}
    assert verdicts == {"EXPIRE-ABSENT-WHEN-UNSET": "not-judged", "EXPIRED-AT-ABSENT-WHEN-UNSET": "fail"}


def test_a_clause_passes_only_through_a_test_that_ran_to_the_end():
    tests = [result("t1", ["EXPIRE-ABSENT-WHEN-UNSET", "EXPIRED-AT-ABSENT-WHEN-UNSET"], "fail",
                    failed_clause="EXPIRED-AT-ABSENT-WHEN-UNSET"),
             result("t2", ["EXPIRE-ABSENT-WHEN-UNSET"], "pass")]
    verdicts = {c.id: c.verdict for c in clause_results(load_catalogue(), tests)}
    assert verdicts["EXPIRE-ABSENT-WHEN-UNSET"] == "not-judged"
    assert clause_results(load_catalogue(), [result("t", ["SESSION-NEW-ID"])])[0].verdict == "not-judged"


def test_a_failed_precondition_step_fails_its_own_clause_even_when_untagged():
    tests = [result("t1", ["WH-REC-SESSION-ID"], "fail", failed_clause="API-START-RENAMED")]
    verdicts = {c.id: c.verdict for c in clause_results(load_catalogue(), tests)}
    assert verdicts == {"API-START-RENAMED": "fail", "WH-REC-SESSION-ID": "not-judged"}
    assert not gate(clause_results(load_catalogue(), tests), False, [])[0]


def test_errors_fail_the_gate_with_their_reason_at_any_level():
    t = result("t", ["API-ERROR-TYPE"], "error")
    t.error = "HarnessError: cannot reach the Sora API"
    passed, reasons = gate(clause_results(load_catalogue(), [t]), False, [])
    assert not passed and "cannot reach the Sora API" in reasons[0]


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


def test_a_teardown_contract_failure_of_another_clause_leaves_the_tested_clause_judged():
    test = TestResult("t", ["EXPIRE-ABSENT-WHEN-UNSET"], [Phase("call", "fail", "EXPIRE-ABSENT-WHEN-UNSET"),
                                                          Phase("teardown", "fail", "EXPIRE-POSITIVE")])
    verdicts = {c.id: c.verdict for c in clause_results(load_catalogue(), [test])}
    assert verdicts == {"EXPIRE-ABSENT-WHEN-UNSET": "fail", "EXPIRE-POSITIVE": "fail"}
    passed_call = TestResult("t", ["SESSION-NEW-ID"], [Phase("call", "pass"), Phase("teardown", "fail",
                                                                                   "WH-REC-SESSION-ID")])
    verdicts = {c.id: c.verdict for c in clause_results(load_catalogue(), [passed_call])}
    assert verdicts == {"SESSION-NEW-ID": "pass", "WH-REC-SESSION-ID": "fail"}
