"""`sora-conformance load` refuses what it cannot do with one line and exit 2, before any session starts."""
import socket
import subprocess
import sys

import pytest



def load(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sora_conformance.cli", "load", "--no-html", *args],
                          capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("args", "says"), [
    (["--sessions", "0"], "--sessions must be from 1 to 1000"),
    (["--sessions", "5", "--max-sessions", "2"], "more than --max-sessions"),
    (["--clients", "9"], "--clients must be from 1 to 8"),
    (["--run-time", "0"], "--run-time must be from 1"),
    (["--max-rate", "0"], "--max-rate must be from"),
    (["--start", "legacy"], "--start takes session.created, api"),
    (["--output", "dual"], "--output takes single, split"),
    (["--format", "mp4"], "--format mp4 needs --start api"),
    (["--master-host", "10.0.0.5", "--worker", "--master-port", "5557"], "--master-host must be this host"),
    (["--master", "--workers", "2"], "--master starts no workers"),
    (["--clause", "OUT-SINGLE"], "a load run judges every recording"),
    (["--emulator-fault", "no-such-fault"], "unknown fault(s): no-such-fault"),
    (["--channel-prefix", "bad prefix!"], "channel prefix"),
    (["--sora-api-url", "http://127.0.0.1:1/"], "--sora-signaling-url / TEST_SIGNALING_URLS is required"),
])
def test_bad_options_are_one_line_and_exit_2(args, says):
    done = load(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert says in done.stderr and "Traceback" not in done.stdout + done.stderr


def test_an_unreachable_target_is_one_line_and_exit_2(tmp_path):
    port = free_port()
    done = load("--sora-api-url", f"http://127.0.0.1:{port}/", "--sora-signaling-url",
                f"ws://127.0.0.1:{port}/signaling", "--report-dir", str(tmp_path))
    assert done.returncode == 2 and "cannot reach the Sora API" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "load-report.json").exists()  # nothing was judged, nothing is reported


def test_a_busy_webhook_port_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        done = load("--webhook-listen", f"127.0.0.1:{busy.getsockname()[1]}", "--report-dir", str(tmp_path))
    assert done.returncode == 2 and "cannot listen" in done.stderr and "Traceback" not in done.stderr
