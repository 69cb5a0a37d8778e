"""Before the first test: an unreachable or silent signaling URL stops the run with one line (exit 2),
instead of failing every test as a clause failure after its own timeout."""
import socket
import subprocess
import sys
import time

import pytest

from sora_conformance.paths import REPO_ROOT
from sora_conformance.harness.preflight import check_signaling
from sora_conformance.harness.verdict import HarnessError


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_listener():
    """Accepts TCP connections and never answers: a signaling URL that hangs the handshake."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


def test_nothing_listening_is_a_harness_error_at_once():
    started = time.monotonic()
    with pytest.raises(HarnessError, match="cannot open a WebSocket"):
        check_signaling([f"ws://127.0.0.1:{closed_port()}/signaling"], timeout=5)
    assert time.monotonic() - started < 5


def test_a_silent_signaling_server_times_out_with_the_deadline_named(silent_listener):
    with pytest.raises(HarnessError, match="no WebSocket handshake within 1 s"):
        check_signaling([f"ws://127.0.0.1:{silent_listener}/signaling"], timeout=1)


def test_the_run_stops_with_one_line_before_any_test(httpserver, silent_listener):
    httpserver.expect_request("/").respond_with_json([])  # an API that answers ListSessions
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", str(REPO_ROOT / "suites"), "-q", "-p", "no:cacheprovider",
                           "--no-conformance-report", "--sora-api-url", httpserver.url_for("/"),
                           "--sora-signaling-url", f"ws://127.0.0.1:{silent_listener}/signaling",
                           "--timeout-multiplier", "0.2"], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output[-2000:]
    assert "no WebSocket handshake" in output and "Traceback" not in output
    assert "failed" not in output and time.monotonic() - started < 60
