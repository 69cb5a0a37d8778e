"""The load report from the agents' session lines: per clause counts, step latencies, failed archives, and a
verdict that is never PASS for an incomplete run; exit codes as `run`."""
import json

import pytest

from sora_conformance.load.report import percentiles, tally
from sora_conformance.load.report_files import build, render_markdown, write_allure
from sora_conformance.load.run import exit_code

META = {"target": {"description": "embedded emulator", "channel_prefix": "conformance-x"}, "profile": "p",
        "load": {"sessions": 2, "clients": 2, "hold": 1.0, "run_time": 5, "starts": ["session.created"],
                 "outputs": ["single"], "formats": ["webm"], "locust_processes": "one Locust process"},
        "machine": {"cpus": 2, "load_start": 0.5, "load_end": 0.6}, "run": {"started": "t0", "finished": "t1"},
        "resources": {"emulator": None, "agents": []}}
AGENT = {"agent": "a1", "sessions": 2, "unfinished": [], "still_alive": [], "clean": True}


def session(number, ended, outcomes=(("REC-STOP-ON-DESTROY", "pass"),), **extra):
    return {"number": number, "agent": "a1", "channel": f"ch{number}", "recording_id": f"R{number}",
            "steps": {"connect": [0.1, 0.2], "recording.report": [0.3]}, "failed_steps": {},
            "outcomes": [{"clause": c, "verdict": v, "check": "k", "message": f"{c} {v}", "evidence": "[1]"}
                         for c, v in outcomes],
            "failed_archives": [], "error": None, "abandoned": False, "started": ended - 1, "ended": ended} | extra


def report_of(tmp_path, sessions, agents=(AGENT,), expected=1, leaks=(), run=None):
    """Each agent's lines in its own file, in the order its sessions ended (as agents write them)."""
    for line in sessions:
        with (tmp_path / f"sessions-{line['agent']}.jsonl").open("a") as out:
            out.write(json.dumps(line) + "\n")
    meta = META | {"run": META["run"] | (run or {})}
    return build(tally(tmp_path), list(agents), expected, meta, list(leaks))


def test_every_recording_conforming_passes_with_exit_0(tmp_path):
    report = report_of(tmp_path, [session(1, 10), session(2, 11)])
    assert report["verdict"] == "pass" and exit_code(report, None) == 0
    row = report["clauses"][0]
    assert (row["id"], row["judged"], row["passed"], row["failed"]) == ("REC-STOP-ON-DESTROY", 2, 2, 0)


def test_a_lost_report_fails_its_clause_and_the_run_and_keeps_the_first_failing_recording(tmp_path):
    """The first failure is the one that happened first, whichever agent's file it is in."""
    report = report_of(tmp_path, [session(1, 10), session(2, 12, [("REC-STOP-ON-DESTROY", "fail")]),
                                  session(3, 11, [("REC-STOP-ON-DESTROY", "fail")], agent="a2")])
    row = report["clauses"][0]
    assert (report["verdict"], row["failed"], row["first_failure"]["recording_id"]) == ("fail", 2, "R3")
    assert exit_code(report, None) == 1
    assert "REC-STOP-ON-DESTROY: 2 of 3 recordings fail it" in report["failing_reasons"]


def test_a_failed_archive_fails_the_run_with_its_connection(tmp_path):
    failed = [{"connection_id": "C1", "entry": {"connection_id": "C1"}, "archive.failed": {"connection_id": "C1"}}]
    report = report_of(tmp_path, [session(1, 10, failed_archives=failed)])
    assert report["verdict"] == "fail" and report["failed_archives"]["count"] == 1
    assert report["failed_archives"]["entries"][0]["connection_id"] == "C1"
    assert "Failed archives (1)" in render_markdown(report)


def test_a_warning_alone_still_passes(tmp_path):
    report = report_of(tmp_path, [session(1, 10, [("MEDIA-DURATION", "warn")])])
    assert report["verdict"] == "pass" and report["clauses"][0]["verdict"] == "warn"


@pytest.mark.parametrize(("sessions", "agents", "run", "reason"), [
    ([], [AGENT], {}, "no recording was judged"),
    ([session(1, 10), session(2, 11, abandoned=True)], [AGENT], {}, "1 sessions were abandoned"),
    ([session(1, 10), session(2, 11, error="ClientConnectError: refused")], [AGENT], {}, "could not be judged"),
    ([session(1, 10)], [], {}, "1 of 1 agents did not report"),
    ([session(1, 10)], [AGENT | {"unfinished": ["ch9"]}], {}, "sessions still running"),
    ([session(1, 10)], [AGENT], {"deadline_hit": True}, "deadline"),
    ([session(1, 10)], [AGENT], {"locust_exit_codes": [2]}, "a Locust process failed"),
])
def test_an_incomplete_run_is_never_a_pass(tmp_path, sessions, agents, run, reason):
    report = report_of(tmp_path, sessions, agents, run=run)
    assert report["verdict"] == "incomplete" and exit_code(report, None) == 1
    assert any(reason in r for r in report["incomplete_reasons"]), report["incomplete_reasons"]


def test_ctrl_c_is_incomplete_and_exits_130(tmp_path):
    report = report_of(tmp_path, [session(1, 10)], run={"stopped_by": "signal 2", "locust_exit_codes": [-15]})
    assert report["verdict"] == "incomplete" and exit_code(report, 2) == 130
    assert report["incomplete_reasons"] == ["stopped by signal 2"]


def test_a_session_the_target_never_destroyed_fails_the_run(tmp_path):
    report = report_of(tmp_path, [session(1, 10)], [AGENT | {"still_alive": ["ch1"], "clean": False}])
    assert report["verdict"] == "fail" and "did not destroy" in report["failing_reasons"][0]


def test_a_leak_fails_the_run(tmp_path):
    report = report_of(tmp_path, [session(1, 10)], leaks=["session S of ch1 is still alive"])
    assert report["verdict"] == "fail" and "leak: session S of ch1 is still alive" in report["failing_reasons"]


def test_step_latency_percentiles():
    figures = percentiles([0.4, 0.1, 0.3, 0.2])
    assert figures == {"count": 4, "p50": 0.2, "p90": 0.4, "p95": 0.4, "p99": 0.4, "max": 0.4}
    assert percentiles([]) == {}


def test_the_report_is_scrubbed_of_secrets(tmp_path):
    from sora_conformance import scrub
    scrub.register("s3cret-value-42")
    report = report_of(tmp_path, [session(1, 10, [("REC-STOP-ON-DESTROY", "fail")],
                                          error=None, channel="echo s3cret-value-42")])
    assert "s3cret-value-42" not in json.dumps(report)


def test_allure_results_have_one_test_per_clause_plus_archives_and_completeness(tmp_path):
    report = report_of(tmp_path, [session(1, 10, [("REC-STOP-ON-DESTROY", "fail"), ("OUT-SINGLE", "pass")])])
    write_allure(tmp_path / "allure", report)
    results = [json.loads(p.read_text()) for p in (tmp_path / "allure").glob("*-result.json")]
    statuses = {r["name"]: r["status"] for r in results}
    assert statuses == {"REC-STOP-ON-DESTROY under load": "failed", "OUT-SINGLE under load": "passed",
                        "no archive failed": "passed", "every session started was judged": "passed"}
