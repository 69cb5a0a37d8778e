"""A target that echoes back the secrets it was sent never gets them printed or stored by the harness; the JWT
made from TEST_SECRET_KEY is a Secret, so `pytest -l` shows it REDACTED."""
import json
import os
import re
import select
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sora_conformance.paths import REPO_ROOT
from sora_conformance.harness.archive import ArchiveDir
from sora_conformance.harness.target import Exchange, TargetError
from sora_conformance.scrub import register

SECRET_KEY = "echoed-secret-key-0123456789-abcdefghijklmnop"
TOKEN = "tok-ECHO-4242"
JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def leaks_in(texts: list[tuple[str, str]], *secrets: str) -> list[str]:
    return [name for name, text in texts if any(s in text for s in secrets) or JWT_SHAPE.search(text)]


def outputs(done: subprocess.CompletedProcess[str], reports: Path) -> list[tuple[str, str]]:
    return [("console", done.stdout + done.stderr)] + [(str(p), p.read_text(errors="replace"))
                                                       for p in reports.rglob("*") if p.is_file()]


def test_an_echoed_error_body_is_scrubbed_from_message_evidence_and_repr():
    register(f"Bearer {TOKEN}")
    token = "eyJhbGciOiJIUzI1NiJ9.eyJjaGFubmVsX2lkIjoiYyJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
    echo = {"error_type": "Echo", "seen": {"Authorization": f"Bearer {TOKEN}"},
            "text": f"you sent Bearer {TOKEN} and metadata {{'access_token': '{token}'}}"}
    exchange = Exchange("Sora_20231220.StartRecording", {"channel_id": "c"}, 500, echo, 0.1)
    for shown in (str(TargetError(exchange)), json.dumps(exchange.as_evidence()), repr(exchange)):
        assert TOKEN not in shown and token not in shown and "REDACTED" in shown, shown


def test_an_archive_file_is_read_scrubbed(tmp_path):
    token = "eyJhbGciOiJIUzI1NiJ9.eyJjaGFubmVsX2lkIjoiYyJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
    (tmp_path / "archive-c1.json").write_text(json.dumps({"connection_id": "c1", "metadata": {"t": token}}))
    shown = []
    content = ArchiveDir(tmp_path, lambda name, value: shown.append(value)).read_json(tmp_path / "archive-c1.json")
    assert content == {"connection_id": "c1", "metadata": {"t": "REDACTED"}} and shown == [content]


class EchoingProxy:
    """In front of a standalone emulator, as a careless proxy might be: every API error body echoes the request
    headers and the connect metadata last seen in an auth webhook; every webhook passed on to the harness
    carries the same echo in a field of its own."""

    def __init__(self, hooks_port: int) -> None:
        self.api_url = ""  # the emulator's, once it runs
        self.hooks = f"http://127.0.0.1:{hooks_port}"
        self.metadata: object = None
        self.server = HTTPServer("127.0.0.1", 0, threaded=True)
        self.server.expect_request(re.compile("^/webhook/")).respond_with_handler(self.webhook)
        self.server.expect_request("/").respond_with_handler(self.api)

    def echo(self, request: Request) -> dict[str, object]:
        return {"headers": dict(request.headers), "metadata": self.metadata,
                "text": f"headers {dict(request.headers)!r}, metadata {self.metadata!r}"}

    def api(self, request: Request) -> Response:
        answer = requests.post(self.api_url, data=request.get_data(), timeout=10,
                               headers={"x-sora-target": request.headers.get("x-sora-target", "")})
        body = answer.json() if answer.ok else {"error_type": "Echo", "echo": self.echo(request)}
        return Response(json.dumps(body), answer.status_code, content_type="application/json")

    def webhook(self, request: Request) -> Response:
        payload = request.get_json()
        if request.path.endswith("/auth"):
            self.metadata = payload.get("metadata")
        answer = requests.post(self.hooks + request.path, json=payload | {"echo": self.echo(request)}, timeout=10)
        return Response(answer.content, answer.status_code, content_type="application/json")


@pytest.mark.slow
def test_a_target_echoing_headers_and_metadata_leaks_nothing(tmp_path):
    hooks = free_port()
    emulator = None
    proxy = EchoingProxy(hooks)
    proxy.server.start()
    try:
        url = proxy.server.url_for("/webhook")
        emulator = subprocess.Popen(
            [sys.executable, "-m", "sora_emulator.cli", "--api-port", "0", "--signaling-port", "0",
             "--archive-dir", str(tmp_path / "archive"), "--session-webhook-url", f"{url}/session",
             "--event-webhook-url", f"{url}/event", "--auth-webhook-url", f"{url}/auth", "--session-destroy-delay",
             "0.5", "--fault", "refusal-as-server-error"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        ready, _, _ = select.select([emulator.stdout], [], [], 30)  # the startup line names its URLs
        line = emulator.stdout.readline() if ready else ""
        proxy.api_url = re.findall(r"http://[^ ,]+", line)[0]
        signaling = re.findall(r"ws://[^ ,]+", line)[0]
        profile = tmp_path / "profile.yaml"
        profile.write_text("name: echoing\nlegacy_recording: removed\nauth_webhook: true\nsession_destroy_delay: 2\n")
        reports = tmp_path / "reports"
        done = subprocess.run(
            [sys.executable, "-m", "pytest", str(REPO_ROOT / "suites"), "-p", "allure_pytest", "-p", "no:cacheprovider",
             f"--alluredir={reports / 'allure-results'}", f"--junitxml={reports / 'junit.xml'}",
             f"--report-dir={reports}", "--sora-api-url", proxy.server.url_for("/"), "--sora-signaling-url",
             signaling, "--webhook-listen", f"127.0.0.1:{hooks}",
             "--target-profile", str(profile), "--api-header", f"Authorization: Bearer {TOKEN}",
             "--clause", "EXPIRE-POSITIVE", "--clause", "REC-START-NO-SESSION", "--showlocals", "--tb=long", "-rA",
             "-vv"], capture_output=True, text=True, timeout=600, cwd=REPO_ROOT,
            env=os.environ | {"TEST_SECRET_KEY": SECRET_KEY})
    finally:
        if emulator is not None:
            emulator.terminate()
            emulator.wait(30)
        proxy.server.stop()
    console = done.stdout + done.stderr
    assert " failed" in console, console[-3000:]  # 500 instead of a refusal: the echo is in the failure text
    assert isinstance(proxy.metadata, dict) and JWT_SHAPE.search(proxy.metadata["access_token"])  # it was echoed
    texts = outputs(done, reports)
    assert any("REDACTED" in text and '"echo"' in text for name, text in texts if "allure-results" in name)
    assert leaks_in(texts, SECRET_KEY, TOKEN) == []


PROBE = '''
import os

import pytest

from sora_conformance.clients import ClientPool


def refuse(self, urls, channel, role, metadata=None, **options):
    token = metadata["access_token"]
    with open(os.environ["TOKEN_FILE"], "w") as out:
        out.write(str.__str__(token))
    raise RuntimeError("the client could not connect")


@pytest.mark.clause("SESSION-NEW-ID")
def test_connect_fails_with_the_token_in_its_locals(sora, monkeypatch):
    monkeypatch.setattr(ClientPool, "connect", refuse)
    sora.live_channel()


def test_its_own_assertion_quotes_an_echoed_body(harness_config):
    echoed = "the target said: " + str.__str__(harness_config.secret_key)  # a plain str, as a body would be
    assert echoed.endswith("nothing"), echoed
'''


def test_the_access_token_and_echoed_text_are_redacted_in_failing_tests(tmp_path):
    """`-l` prints the locals: the token is a Secret; a test's own text quoting an echo is scrubbed from the
    traceback, the exception message allure-pytest reads, junit and the reports."""
    (tmp_path / "test_probe.py").write_text(PROBE)
    reports, token_file = tmp_path / "reports", tmp_path / "token"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "test_probe.py", "-p", "sora_conformance.pytest_plugin", "-p", "allure_pytest",
         "-p", "no:cacheprovider", f"--alluredir={reports / 'allure-results'}", f"--junitxml={reports / 'junit.xml'}",
         f"--report-dir={reports}", "-l", "--tb=long", "-rA"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env=os.environ | {"TEST_SECRET_KEY": SECRET_KEY, "TOKEN_FILE": str(token_file)})
    console = done.stdout + done.stderr
    assert "2 failed" in console and "'access_token': REDACTED" in console, console[-3000:]
    token = token_file.read_text()
    assert JWT_SHAPE.match(token)
    assert leaks_in(outputs(done, reports), SECRET_KEY, token) == []
