"""`sora-conformance replay`: posts valid examples to the user's receiver and reports each answer."""
import json
import socket

import pytest

from pytest_httpserver import HTTPServer

from sora_conformance.cli import main


def test_all_accepted_exits_0(httpserver: HTTPServer, capsys):
    httpserver.expect_request("/hooks", method="POST").respond_with_json({})
    assert main(["replay", "--to", httpserver.url_for("/hooks"), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    kinds = {r["type"] for r in results}
    assert {"session.created", "recording.started", "recording.report", "archive.available"} <= kinds
    assert all(r["status"] == 200 and r["latency_ms"] >= 0 for r in results)
    bodies = [json.loads(request.data) for request, _ in httpserver.log]
    assert any(b.get("type") == "recording.report" and "recording_metadata" in b.get("data", {}) for b in bodies)


def test_a_rejecting_receiver_exits_1(httpserver: HTTPServer, capsys):
    httpserver.expect_request("/hooks").respond_with_data("boom", status=500)
    assert main(["replay", "--to", httpserver.url_for("/hooks"), "--only", "recording.report"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_a_receiver_that_is_down_exits_2_with_one_line(capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["replay", "--to", f"http://127.0.0.1:{port}/hooks"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect" in err and len(err.strip().splitlines()) == 1


def test_a_bad_url_exits_2(capsys):
    assert main(["replay", "--to", "not-a-url"]) == 2


@pytest.mark.parametrize("argv", [["--to", "http://127.0.0.1:99999/"], ["--to", "http://[::1/"],
                                  ["--to", "http://127.0.0.1:9/", "--timeout", "0"],
                                  ["--to", "http://127.0.0.1:9/", "--timeout", "-1"]],
                         ids=["port-out-of-range", "unclosed-ipv6", "timeout-zero", "timeout-negative"])
def test_bad_options_of_the_examples_replay_are_one_usage_line(argv, capsys):
    assert main(["replay", *argv]) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and out.err.startswith("sora-conformance replay: ")
