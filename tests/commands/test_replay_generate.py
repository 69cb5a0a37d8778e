"""`replay --generate`: a correct receiver passes; receivers broken in one way each are found with N <= 200
and the failure is shrunk to a payload that shows the cause."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sora_conformance.cli import main
from sora_conformance.contract.generate import compiler
from sora_conformance.contract.kinds import TYPES
from sora_conformance.contract.schemas import schema_uri
from sora_conformance.contract.validator import validate

ANY_PATH = re.compile(".*")


def kind_of(request: Request) -> str:
    if "/auth" in request.path:
        return "auth.request"
    return request.headers.get("sora-session-webhook-type") or request.headers.get("sora-event-webhook-type", "")


def receiver(httpserver: HTTPServer, crash_when: Callable[[str, dict[str, Any]], Any] | None = None) -> str:
    """A receiver answering as Sora expects; `crash_when` reads the body the way a careless backend does."""
    def handle(request: Request) -> Response:
        kind, body = kind_of(request), json.loads(request.get_data())
        if crash_when is not None:
            crash_when(kind, body)  # raises -> werkzeug answers 500
        return Response(json.dumps({"allowed": True} if kind == "auth.request" else {}),
                        content_type="application/json")
    httpserver.expect_request(ANY_PATH, method="POST").respond_with_handler(handle)
    return httpserver.url_for("/hooks")


def replay(url: str, tmp_path: Path, *extra: str, n: int = 200, seed: int = 1) -> int:
    return main(["replay", "--to", url, "--generate", str(n), "--seed", str(seed),
                 "--failures-dir", str(tmp_path / "failures"), *extra])


def shrunk(tmp_path: Path, seed: int = 1) -> dict[str, Any]:
    """The smallest failing payloads written, by webhook type."""
    out = {}
    for path in sorted((tmp_path / "failures" / f"seed-{seed}").glob("*.json")):
        out[path.stem.split("-", 1)[1]] = json.loads(path.read_bytes())
    return out


def known_keys(kind: str) -> set[str]:
    return set(compiler().flat(schema_uri(kind)).get("properties", {}))


def test_a_correct_receiver_gets_only_valid_payloads_on_their_endpoints(httpserver, tmp_path, capsys):
    url = receiver(httpserver)
    assert replay(url, tmp_path, n=150) == 0
    out = capsys.readouterr().out
    assert "all 12 types handled" in out and "150 payloads posted" in out
    seen = set()
    for request, _ in httpserver.log:
        kind = kind_of(request)
        seen.add(kind)
        assert validate(json.loads(request.get_data()), kind) == []
        endpoint = "auth" if kind == "auth.request" else ("session" if kind.startswith(("session", "recording"))
                                                           else "event")
        assert request.path == f"/hooks/{endpoint}"
    assert seen == set(TYPES)


def test_one_url_for_all_with_endpoint_substitution(httpserver, tmp_path):
    receiver(httpserver)
    assert replay(httpserver.url_for("/in/{endpoint}/hook"), tmp_path, n=30) == 0
    assert {r.path for r, _ in httpserver.log} <= {"/in/session/hook", "/in/event/hook", "/in/auth/hook"}


def test_same_seed_same_payloads(httpserver, tmp_path):
    url = receiver(httpserver)
    bodies = []
    for _ in range(2):
        httpserver.clear_log()
        assert replay(url, tmp_path, n=40, seed=7) == 0
        bodies.append([r.get_data() for r, _ in httpserver.log])
    assert bodies[0] == bodies[1] and len(bodies[0]) == 40


def test_crash_when_recording_metadata_is_absent(httpserver, tmp_path, capsys):
    def crash(kind: str, body: dict[str, Any]) -> None:
        if kind.startswith("recording."):
            body["data"]["recording_metadata"]["room"]  # KeyError when absent (Sora omits it when not given)
    assert replay(receiver(httpserver, crash), tmp_path) == 1
    failures = shrunk(tmp_path)
    assert set(failures) == {"recording.started", "recording.report"}
    for payload in failures.values():
        assert "recording_metadata" not in payload["data"]
        assert "session_metadata" not in payload and "expire_time" not in payload["data"]  # shrunk: nothing optional
    out = capsys.readouterr().out
    assert "smallest failing payload" in out and "answered HTTP 500" in out
    assert re.search(r"reproduce: sora-conformance replay --to \S+ --generate 200 --seed 1\n", out)


def test_crash_when_archives_are_empty(httpserver, tmp_path):
    def crash(kind: str, body: dict[str, Any]) -> None:
        if kind == "recording.report":
            body["data"]["archives"][0]  # IndexError on a recording nobody was in
    stale = tmp_path / "failures" / "seed-1" / "07-connection.created.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")  # left by an earlier run with the same seed
    assert replay(receiver(httpserver, crash), tmp_path) == 1
    failures = shrunk(tmp_path)
    assert list(failures) == ["recording.report"]
    assert failures["recording.report"]["data"]["archives"] == []


def test_crash_when_session_id_is_only_in_data(httpserver, tmp_path):
    def crash(kind: str, body: dict[str, Any]) -> None:
        if kind.startswith("recording."):
            body["session_id"]  # KeyError: the seed does not say session_id is top-level
    assert replay(receiver(httpserver, crash), tmp_path) == 1
    failures = shrunk(tmp_path)
    assert set(failures) == {"recording.started", "recording.report"}
    for payload in failures.values():
        assert "session_id" not in payload and re.fullmatch("[0-9A-Z]{26}", payload["data"]["session_id"])


def test_crash_when_an_unknown_key_appears(httpserver, tmp_path):
    def crash(kind: str, body: dict[str, Any]) -> None:
        unknown = set(body) - known_keys(kind)
        if unknown:
            raise ValueError(f"unexpected fields {unknown}")  # a strict model (extra = "forbid")
    assert replay(receiver(httpserver, crash), tmp_path) == 1
    failures = shrunk(tmp_path)
    assert failures
    for kind, payload in failures.items():
        assert len(set(payload) - known_keys(kind)) == 1  # exactly one unknown key left after shrinking


def test_answers_sora_acts_on_are_checked(httpserver, tmp_path, capsys):
    def handle(request: Request) -> Response:
        return Response("OK", content_type="text/plain")  # 200, but neither a session.created nor an auth answer
    httpserver.expect_request(ANY_PATH).respond_with_handler(handle)
    url = httpserver.url_for("/hooks")
    assert replay(url, tmp_path, "--types", "session.created,auth.request,session.destroyed", n=20) == 1
    out = capsys.readouterr().out
    assert "FAIL session.created: the session.created answer is not JSON" in out
    assert "FAIL auth.request" in out and "FAIL session.destroyed" not in out


def test_an_auth_answer_without_allowed_fails(httpserver, tmp_path, capsys):
    httpserver.expect_request(ANY_PATH).respond_with_json({"reason": "no allowed here"})
    assert replay(httpserver.url_for("/hooks"), tmp_path, "--types", "auth.request", n=10) == 1
    assert "carries no boolean `allowed`" in capsys.readouterr().out


def test_a_timeout_fails_the_payload(httpserver, tmp_path, capsys):
    def handle(request: Request) -> Response:
        if json.loads(request.get_data())["data"]["archives"] == []:
            import time
            time.sleep(0.6)  # sleep-ok: the receiver under test must be slower than --timeout 0.2
        return Response("{}", content_type="application/json")
    httpserver.expect_request(ANY_PATH).respond_with_handler(handle)
    code = replay(httpserver.url_for("/hooks"), tmp_path, "--types", "recording.report", "--timeout", "0.2", n=20)
    assert code == 1
    assert "no answer within 0.2 s (timeout)" in capsys.readouterr().out
    assert shrunk(tmp_path)["recording.report"]["data"]["archives"] == []


def test_negative_payloads_are_reported_not_judged(httpserver, tmp_path, capsys):
    def handle(request: Request) -> Response:
        body = json.loads(request.get_data())
        ok = validate(body, kind_of(request)) == []  # a receiver that validates its input
        return Response("{}", status=200 if ok else 422, content_type="application/json")
    httpserver.expect_request(ANY_PATH).respond_with_handler(handle)
    assert replay(httpserver.url_for("/hooks"), tmp_path, "--negative", "--types", "recording.report", n=10) == 0
    out = capsys.readouterr().out
    assert out.count("refused  recording.report") == 4 and "accepted recording.report" not in out
    for clause in ("WH-REC-NO-METADATA", "WH-REC-NO-LOG-WRITTEN", "EXPIRE-POSITIVE"):
        assert clause in out


def test_junit_and_allure_name_each_type_and_the_failure(httpserver, tmp_path):
    def crash(kind: str, body: dict[str, Any]) -> None:
        if kind == "recording.report":
            body["data"]["archives"][0]
    junit, allure = tmp_path / "replay.xml", tmp_path / "allure-results"
    assert replay(receiver(httpserver, crash), tmp_path, "--junit", str(junit), "--allure-dir", str(allure), n=100) == 1
    results = [json.loads(p.read_text()) for p in allure.glob("*-result.json")]
    assert sorted(r["status"] for r in results) == ["failed"] + ["passed"] * 11
    failed = next(r for r in results if r["status"] == "failed")
    assert failed["name"] == "replay recording.report" and failed["statusDetails"]["message"] == "answered HTTP 500"
    payload = allure / next(a["source"] for a in failed["attachments"] if a["name"] == "smallest failing payload")
    assert json.loads(payload.read_text())["data"]["archives"] == []
    cases = ET.parse(junit).getroot().findall("./testsuite/testcase")
    assert len(cases) == 12
    failed = [(c.get("name"), f.get("message")) for c in cases for f in c.findall("failure")]
    assert failed == [("recording.report", "answered HTTP 500")]


@pytest.mark.parametrize("args, message", [
    (["--to", "http://127.0.0.1:99999/hooks"], "Port out of range"),
    (["--to", "ftp://x/"], "must be an http(s) URL"),
    (["--to", "http://127.0.0.1:9/", "--timeout", "0"], "--timeout must be more than 0"),
    (["--to", "http://127.0.0.1:9/", "--timeout", "-1"], "--timeout must be more than 0"),
    (["--to", "http://127.0.0.1:9/", "--timeout", "inf"], "--timeout must be more than 0"),
    (["--to", "http://[::1/hooks"], "Invalid IPv6 URL"),
    (["--to", "http://127.0.0.1:9/", "--generate", "0"], "--generate must be at least 1"),
    (["--to", "http://127.0.0.1:9/", "--types", "recording.reprot"], "--types: unknown recording.reprot"),
])
def test_usage_errors_exit_2_with_one_line(args, message, capsys):
    assert main(["replay", "--generate", "10", *args]) == 2  # a later --generate wins
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_an_unreachable_receiver_exits_2(capsys, unused_tcp_port_factory=None):
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["replay", "--to", f"http://127.0.0.1:{port}/hooks", "--generate", "10"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect" in err and len(err.strip().splitlines()) == 1


def test_a_dropped_connection_fails_the_payload(tmp_path, capsys):
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def hang_up() -> None:  # reads the request, then closes without an answer
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.recv(65536)
            conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    try:
        port = listener.getsockname()[1]
        assert replay(f"http://127.0.0.1:{port}/hooks", tmp_path, "--types", "session.destroyed", n=5) == 1
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
    assert "FAIL session.destroyed: connection dropped or refused" in capsys.readouterr().out


def test_a_generator_bug_is_an_error_not_a_verdict(httpserver, tmp_path, capsys, monkeypatch):
    from sora_conformance.contract.validator import Violation
    from sora_conformance.replay import receiver as replay_receiver

    broken = Violation("session.created", "/x", "made up", None, "sdk", "must")
    monkeypatch.setattr(replay_receiver, "validate", lambda payload, kind: [broken])
    assert replay(receiver(httpserver), tmp_path, "--types", "session.created", n=5) == 2
    err = capsys.readouterr().err
    assert "internal error, not a verdict on your receiver" in err and len(err.strip().splitlines()) == 1
    assert httpserver.log == []  # an invalid payload is never posted


def test_the_progress_line_is_rewritten_in_place_on_a_terminal():
    import io

    from sora_conformance.replay.outcome import Tally
    from sora_conformance.replay.report import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    progress = Progress(100, screen)
    progress(Tally(posted=7, failing={"recording.report"}))
    progress.done()
    assert screen.getvalue().startswith("\r  replay: 7 posted (of 100 generated, plus shrinking)")
    assert "failing: recording.report" in screen.getvalue()
    quiet = io.StringIO()
    Progress(100, quiet)(Tally(posted=7))
    assert quiet.getvalue() == ""  # not a terminal: no control characters in logs
