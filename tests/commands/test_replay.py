"""`sora-conformance replay`: one pipeline for the examples and generated payloads: the same endpoints, the
same judging, the same reports (--json, --junit, --allure-dir), credentials never printed, output paths
checked before anything is posted."""
import base64
import json
import re
import socket
import xml.etree.ElementTree as ET

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sora_conformance.cli import main
from sora_conformance.contract.kinds import TYPES

ANY_PATH = re.compile(".*")


def answer_as_sora_expects(request: Request) -> Response:
    return Response(json.dumps({"allowed": True} if request.path.endswith("/auth") else {}),
                    content_type="application/json")


def accepting(httpserver: HTTPServer) -> str:
    httpserver.expect_request(ANY_PATH, method="POST").respond_with_handler(answer_as_sora_expects)
    return httpserver.url_for("/hooks")


def test_every_example_goes_to_its_endpoint_and_passes(httpserver, tmp_path, capsys):
    url = accepting(httpserver)
    assert main(["replay", "--to", url, "--json", "--failures-dir", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["mode"] == "examples" and report["passed"] and report["types"] == TYPES
    assert {c["type"] for c in report["cases"]} == set(TYPES)
    assert all(c["answer"]["status"] == 200 and c["answer"]["latency_ms"] >= 0 for c in report["cases"])
    paths = {r.path for r, _ in httpserver.log}
    assert paths == {"/hooks/session", "/hooks/event", "/hooks/auth"}
    bodies = [json.loads(request.data) for request, _ in httpserver.log]
    assert any(b.get("type") == "recording.report" and "recording_metadata" in b.get("data", {}) for b in bodies)


def test_a_rejecting_receiver_exits_1_naming_the_example(httpserver, tmp_path, capsys):
    httpserver.expect_request(ANY_PATH).respond_with_data("boom", status=500)
    code = main(["replay", "--to", httpserver.url_for("/hooks"), "--types", "recording.report",
                 "--failures-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1 and "FAIL recording.report: answered HTTP 500" in out
    assert "fail  recording.report full.json" in out and "fail  recording.report minimal.json" in out
    assert sorted(p.name for p in (tmp_path / "examples").iterdir())[:2] == ["01-recording.report.answer.txt",
                                                                           "01-recording.report.json"]


def test_examples_are_judged_like_generated_payloads(httpserver, tmp_path, capsys):
    httpserver.expect_request(ANY_PATH).respond_with_data("OK", content_type="text/plain")  # 200, but not JSON
    code = main(["replay", "--to", httpserver.url_for("/hooks"), "--types", "session.created,session.destroyed",
                 "--failures-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1 and "FAIL session.created: the session.created answer is not JSON" in out
    assert "FAIL session.destroyed" not in out


@pytest.mark.parametrize("generate", [[], ["--generate", "4", "--seed", "1"]], ids=["examples", "generated"])
def test_a_redirect_is_the_receivers_answer_never_followed(httpserver, tmp_path, capsys, generate):
    httpserver.expect_request(re.compile("/hooks/.*")).respond_with_data(
        "", status=307, headers={"location": httpserver.url_for("/elsewhere")})
    httpserver.expect_request("/elsewhere").respond_with_json({})
    code = main(["replay", "--to", httpserver.url_for("/hooks"), "--types", "session.destroyed", *generate,
                 "--failures-dir", str(tmp_path)])
    assert code == 1 and "answered HTTP 307" in capsys.readouterr().out
    assert all(r.path != "/elsewhere" for r, _ in httpserver.log)


def test_only_is_an_alias_of_types(httpserver, tmp_path, capsys):
    url = accepting(httpserver)
    argv = ["replay", "--to", url, "--only", "recording.report", "--only", "session.created", "--json"]
    assert main(argv) == 0
    assert {c["type"] for c in json.loads(capsys.readouterr().out)["cases"]} == {"recording.report",
                                                                                  "session.created"}


@pytest.mark.parametrize("generate", [[], ["--generate", "24", "--seed", "3"]], ids=["examples", "generated"])
def test_junit_allure_and_json_in_both_modes(httpserver, tmp_path, capsys, generate):
    def handle(request: Request) -> Response:
        if request.headers.get("sora-session-webhook-type") == "recording.report":
            return Response("no", status=500)
        return answer_as_sora_expects(request)
    httpserver.expect_request(ANY_PATH).respond_with_handler(handle)
    junit, allure = tmp_path / "replay.xml", tmp_path / "allure"
    code = main(["replay", "--to", httpserver.url_for("/hooks"), *generate, "--json", "--junit", str(junit),
                 "--allure-dir", str(allure), "--failures-dir", str(tmp_path / "failures")])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and not report["passed"]
    failed = {c["name"] for c in report["cases"] if not c["ok"]}
    assert failed and all(name.startswith("recording.report") for name in failed)
    cases = ET.parse(junit).getroot().findall("./testsuite/testcase")
    assert {c.get("name") for c in cases if c.findall("failure")} == failed
    results = [json.loads(p.read_text()) for p in allure.glob("*-result.json")]
    assert {r["name"] for r in results if r["status"] == "failed"} == {f"replay {name}" for name in failed}
    assert report["reproduce"].startswith("sora-conformance replay --to " + httpserver.url_for("/hooks"))


def test_a_receiver_that_is_down_exits_2_with_one_line(capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["replay", "--to", f"http://127.0.0.1:{port}/hooks"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, message", [
    (["--to", "not-a-url"], "must be an http(s) URL"),
    (["--to", "http://127.0.0.1:99999/"], "Port out of range"),
    (["--to", "http://[::1/"], "Invalid IPv6 URL"),
    (["--to", "http://127.0.0.1:9/", "--timeout", "0"], "--timeout must be more than 0"),
    (["--to", "http://127.0.0.1:9/", "--only", "recording.reprot"], "--types: unknown recording.reprot"),
    (["--to", "http://127.0.0.1:9/", "--seed", "3"], "--seed needs --generate"),
])
def test_bad_options_of_the_examples_replay_are_one_usage_line(argv, message, capsys):
    assert main(["replay", *argv]) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and out.err.startswith("sora-conformance replay: ")
    assert message in out.err and len(out.err.strip().splitlines()) == 1


@pytest.mark.parametrize("option, under", [("--junit", "x.xml"), ("--allure-dir", "allure"),
                                           ("--failures-dir", "failures")])
def test_an_output_path_that_cannot_be_written_is_one_line_exit_2_before_any_post(httpserver, tmp_path, capsys,
                                                                                  option, under):
    url = accepting(httpserver)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert main(["replay", "--to", url, option, str(blocker / under)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sora-conformance replay: {option} ") and len(err.strip().splitlines()) == 1
    assert httpserver.log == []


def test_an_allure_dir_that_is_a_file_is_a_usage_error(httpserver, tmp_path, capsys):
    url = accepting(httpserver)
    (tmp_path / "allure").write_text("")
    assert main(["replay", "--to", url, "--allure-dir", str(tmp_path / "allure")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_credentials_in_the_url_are_sent_as_basic_auth_and_never_printed(httpserver, tmp_path, capsys):
    def echo(request: Request) -> Response:  # a receiver echoing what it was sent, failing every payload
        return Response(f"denied for {request.headers.get('authorization')} at {request.full_path}", status=500)
    httpserver.expect_request(ANY_PATH).respond_with_handler(echo)
    url = httpserver.url_for("/hooks").replace("http://", "http://hook-user:s3cr%40t-pass@") + "?token=tok-123456"
    junit = tmp_path / "replay.xml"
    code = main(["replay", "--to", url, "--types", "recording.started", "--junit", str(junit),
                 "--failures-dir", str(tmp_path / "failures")])
    out = capsys.readouterr()
    assert code == 1
    request = httpserver.log[0][0]
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"hook-user:s3cr@t-pass").decode()
    assert request.path == "/hooks/session" and request.args["token"] == "tok-123456"
    written = [p.read_text() for p in (tmp_path / "failures").rglob("*") if p.is_file()] + [junit.read_text()]
    token = base64.b64encode(b"hook-user:s3cr@t-pass").decode()
    for text in [out.out, out.err, *written]:
        for secret in ("hook-user", "s3cr", "tok-123456", token):
            assert secret not in text
    assert "reproduce: sora-conformance replay --to http://localhost" in out.out
    assert "user, password and query are not printed" in out.out


def test_the_endpoint_is_added_to_the_path_not_after_the_query(httpserver, tmp_path):
    url = accepting(httpserver) + "?key=v"
    assert main(["replay", "--to", url, "--types", "archive.started,auth.request"]) == 0
    assert {(r.path, r.query_string) for r, _ in httpserver.log} == {("/hooks/event", b"key=v"),
                                                                      ("/hooks/auth", b"key=v")}


def test_a_write_that_fails_after_the_run_is_one_line_exit_2(httpserver, tmp_path, capsys, monkeypatch):
    from sora_conformance.commands import replay as command

    def disk_full(path, outcome):
        raise OSError(28, "No space left on device", str(path))
    monkeypatch.setattr(command, "write_junit", disk_full)
    url = accepting(httpserver)
    assert main(["replay", "--to", url, "--types", "session.destroyed", "--junit", str(tmp_path / "x.xml")]) == 2
    err = capsys.readouterr().err
    assert err == f"sora-conformance replay: cannot write the results: No space left on device ({tmp_path / 'x.xml'})\n"
