"""One cause, said once, with its remedy: tests stopped by the same misconfiguration are listed under one line
that says what to check, in the JSON and Markdown reports and the gate's reasons (the verdicts stay as they are)."""
from sora_conformance.catalogue import load_catalogue
from sora_conformance.reporting.causes import repeated_causes
from sora_conformance.reporting.results import Phase, TestResult, clause_results, gate
from sora_conformance.reporting.summary import build_report, render_markdown

TARGET = {"description": "http://sora-staging:3000/", "api_url": "http://sora-staging:3000/",
          "signaling_urls": ["wss://sora-staging/signaling"], "webhooks": "http://10.0.0.5:8080/webhook/"}
AUTH_ERROR = ("ClientConnectError: sendonly client could not connect to channel conformance-{n}: Failed to read "
              "WebSocket: ec=The WebSocket stream was gracefully closed at both endpoints wscode=4401 "
              "wsreason=AUTH-WEBHOOK-ERROR")
META = {"suite": {"name": "s", "version": "0"}, "target": TARGET}


def stopped(nodeid: str, clause: str, verdict: str, why: str, endpoints: tuple[str, ...] = ()) -> TestResult:
    test = TestResult(nodeid, [clause], [Phase("call", verdict, clause if verdict == "fail" else None)])
    test.error, test.message = (why if verdict == "error" else None), why  # a report's message: its last line
    test.webhook_endpoints = list(endpoints)
    return test


def causes_of(tests: list[TestResult]) -> list[dict]:
    seen = {e for t in tests for e in t.webhook_endpoints}
    return repeated_causes([(t.nodeid, t.why_stopped) for t in tests], seen, TARGET)


def test_an_unreachable_auth_webhook_is_said_once_with_its_remedy_and_its_tests():
    ids = [c.id for c in load_catalogue()][:24]
    tests = [stopped(f"suites/t.py::test_{n}", ids[n], "error", AUTH_ERROR.format(n=n)) for n in range(24)]
    causes = causes_of(tests)
    assert [(c["cause"], len(c["tests"])) for c in causes] == [("auth webhook unreachable", 24)]
    assert causes[0]["remedy"] == ("Sora could not reach the auth webhook at http://10.0.0.5:8080/webhook/auth: check "
                                   "`auth_webhook_url` in sora.conf and that `--webhook-listen` is reachable from Sora")
    clauses = clause_results(load_catalogue(), tests)
    passed, reasons = gate(clauses, False, [])
    assert not passed and len(reasons) == 1 and reasons[0].endswith("could not be judged: auth webhook unreachable")
    report = build_report(META, clauses, [], "fail", reasons, [], causes=causes)
    assert report["causes"] == causes and report["summary"]["tests_could_not_judge"] == 24
    markdown = render_markdown(report)
    assert markdown.count(causes[0]["remedy"]) == 1 and markdown.count("wsreason=AUTH-WEBHOOK-ERROR") == 1
    assert all(f"`suites/t.py::test_{n}`" in markdown for n in range(24))


def test_a_cause_is_named_before_the_lines_it_explains():
    tests = [stopped("t::a", "SESSION-NEW-ID", "error", AUTH_ERROR.format(n=1)),
             stopped("t::b", "SESSION-ID-FORMAT", "error", "HarnessError: something else")]
    markdown = render_markdown(build_report(META, clause_results(load_catalogue(), tests), [], "fail", [], [],
                                            causes=causes_of(tests)))
    assert markdown.index("auth webhook at") < markdown.index("Clauses:") < markdown.index("something else")


def test_the_harness_unreachable_api_and_signaling_name_what_to_check():
    tests = [stopped("t::a", "SESSION-NEW-ID", "error", "HarnessError: cannot reach the Sora API at http://x/: "
                     "HTTPConnectionPool(host='x', port=3000): Read timed out. (read timeout=10)"),
             stopped("t::b", "SESSION-ID-FORMAT", "error", "HarnessError: cannot reach the Sora API at http://x/: "
                     "Max retries exceeded (Caused by NewConnectionError: Connection refused)"),
             stopped("t::c", "REC-RESTART-NEW-ID", "error", "ClientConnectError: sendonly client could not connect "
                     "to channel c: Failed Websocket handshake: last_ec=Connection refused last_url=ws://x/")]
    causes = {c["cause"]: c for c in causes_of(tests)}
    assert sorted(causes) == ["API timeout", "API unreachable", "signaling unreachable"]
    assert "--timeout-multiplier" in causes["API timeout"]["remedy"]
    assert "http://sora-staging:3000/" in causes["API unreachable"]["remedy"]
    assert "wss://sora-staging/signaling" in causes["signaling unreachable"]["remedy"]


def test_a_session_webhook_that_never_came_is_a_cause_only_when_none_came_in_the_whole_run():
    failure = "[REC-START-ON-CREATE] no recording.started on the session webhook for channel c within 10.0 s"
    alone = [stopped("t::a", "REC-START-ON-CREATE", "fail", failure, endpoints=("auth", "event"))]
    assert [c["cause"] for c in causes_of(alone)] == ["session webhook never arrived"]
    assert "`session_webhook_url`" in causes_of(alone)[0]["remedy"]
    others_came = alone + [stopped("t::b", "SESSION-NEW-ID", "pass", "", endpoints=("session",))]
    assert causes_of(others_came) == []  # the target sent session webhooks: this one is a real failure


def test_a_failure_of_a_known_shape_but_another_reason_is_no_cause():
    tests = [stopped("t::a", "REC-START-NO-SESSION", "fail", "[REC-START-NO-SESSION] StartRecording was accepted")]
    assert causes_of(tests) == []
