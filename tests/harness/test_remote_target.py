"""The suite against a Sora given by URL: here a standalone `sora-emulator` process posting its webhooks to a
fixed --webhook-listen port, exactly as a staging server would be set up."""
import socket
import subprocess
import sys
import time

import pytest

from sora_conformance.paths import REPO_ROOT

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)  # sleep-ok: polling a child process's port, there is no event to wait on
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture
def staging(tmp_path):
    api, signaling, hooks = free_port(), free_port(), free_port()
    url = f"http://127.0.0.1:{hooks}/webhook"
    process = subprocess.Popen([sys.executable, "-m", "sora_emulator.cli", "--api-port", str(api),
                                "--signaling-port", str(signaling), "--archive-dir", str(tmp_path / "archive"),
                                "--session-webhook-url", f"{url}/session", "--event-webhook-url", f"{url}/event",
                                "--auth-webhook-url", f"{url}/auth", "--session-destroy-delay", "0.5"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_listening(signaling, time.monotonic() + 30)
    profile = tmp_path / "profile.yaml"
    profile.write_text("name: staging-like\nlegacy_recording: removed\narchive_dir: true\nauth_webhook: true\n"
                       "session_destroy_delay: 2\n")
    yield {"api": f"http://127.0.0.1:{api}/", "signaling": f"ws://127.0.0.1:{signaling}/signaling",
           "listen": f"127.0.0.1:{hooks}", "archive": tmp_path / "archive", "profile": profile}
    process.terminate()
    process.wait(30)


def run_suite(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", str(REPO_ROOT / "suites"), "-q", "-p", "no:cacheprovider",
                           "--no-conformance-report", *args], capture_output=True, text=True, timeout=600, cwd=REPO_ROOT)


def test_suite_passes_against_a_target_given_by_url(staging):
    done = run_suite("--sora-api-url", staging["api"], "--sora-signaling-url", staging["signaling"],
                     "--webhook-listen", staging["listen"], "--archive-dir", str(staging["archive"]),
                     "--target-profile", str(staging["profile"]), "--channel-prefix", "remote",
                     "--clause", "REC-START-ON-CREATE", "--clause", "REC-STOP-ON-DESTROY", "--clause", "BLOCK-AUTH",
                     "--clause", "FILE-REPORT-RECORDING-METADATA", "--clause", "MIG-LEGACY-REMOVED",
                     "--clause", "MIXED-CHANNELS")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "skipped" in done.stdout  # MIXED-CHANNELS: unsupported, the profile says legacy is removed


def test_xdist_workers_share_one_fixed_webhook_port(staging):
    done = run_suite("-n", "2", "--sora-api-url", staging["api"], "--sora-signaling-url", staging["signaling"],
                     "--webhook-listen", staging["listen"], "--archive-dir", str(staging["archive"]),
                     "--target-profile", str(staging["profile"]), "--clause", "REC-START-ON-CREATE",
                     "--clause", "WH-REC-SESSION-ID", "--clause", "BLOCK-AUTH")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "passed" in done.stdout.splitlines()[-1]


def test_interrupted_run_leaves_nothing_behind_on_the_target(staging):
    import signal

    import requests

    command = [sys.executable, "-m", "pytest", str(REPO_ROOT / "suites"), "-q", "-p", "no:cacheprovider",
               "--no-conformance-report", "--sora-api-url", staging["api"], "--sora-signaling-url", staging["signaling"],
               "--webhook-listen", staging["listen"], "--target-profile", str(staging["profile"]),
               "--channel-prefix", "interrupted"]
    run = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = staging["archive"].parent / "log" / "session_webhook.jsonl"
    deadline = time.monotonic() + 60
    while not (log.exists() and '"session.created"' in log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)  # sleep-ok: watching another process's log file, there is no event to wait on
    run.send_signal(signal.SIGINT)  # Ctrl-C in the middle of a scenario
    run.wait(120)

    def alive() -> list:
        sessions = requests.post(staging["api"], headers={"x-sora-target": "Sora_20231220.ListSessions"}, json={},
                                 timeout=5).json()
        return [s for s in sessions if s["channel_id"].startswith("interrupted")]

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)  # sleep-ok: the target destroys empty sessions after its own delay
    assert alive() == []  # and with the sessions, their recordings ended (REC-STOP-ON-DESTROY)


def test_unreachable_target_is_one_clear_line(tmp_path):
    port = free_port()
    done = run_suite("--sora-api-url", f"http://127.0.0.1:{port}/", "--sora-signaling-url",
                     f"ws://127.0.0.1:{port}/signaling", "--clause", "REC-START-NO-SESSION")
    assert done.returncode == 2 and "cannot reach the Sora API" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_busy_webhook_port_is_one_clear_line():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_suite("--webhook-listen", f"127.0.0.1:{port}", "--clause", "REC-START-NO-SESSION")
    assert done.returncode == 2 and "cannot listen" in done.stdout + done.stderr


def test_bad_option_is_a_usage_error():
    done = run_suite("--webhook-listen", "nonsense")
    assert done.returncode == 4 and "HOST:PORT" in done.stderr and "Traceback" not in done.stderr


def test_cluster_given_by_several_api_urls(tmp_path):
    """A standalone 3-node emulator: clients on node 1 recorded through node 3's API (CLUSTER-ANY-NODE)."""
    import re
    import select

    hooks = free_port()
    url = f"http://127.0.0.1:{hooks}/webhook"
    process = subprocess.Popen([sys.executable, "-m", "sora_emulator.cli", "--cluster-nodes", "3", "--api-port", "0",
                                "--signaling-port", "0", "--archive-dir", str(tmp_path / "archive"),
                                "--session-webhook-url", f"{url}/session", "--event-webhook-url", f"{url}/event",
                                "--session-destroy-delay", "0.5"], stdout=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)  # the startup line names every node's URLs
        line = process.stdout.readline() if ready else ""
        apis, signalings = re.findall(r"http://[^ ,]+", line), re.findall(r"ws://[^ ,]+", line)
        assert len(apis) == len(signalings) == 3, line
        profile = tmp_path / "cluster.yaml"
        profile.write_text("name: cluster-like\nauth_webhook: false\nsession_destroy_delay: 2\ncluster: true\n")
        done = run_suite("--sora-api-url", ",".join(apis), "--sora-signaling-url", ",".join(signalings),
                         "--webhook-listen", f"127.0.0.1:{hooks}", "--target-profile", str(profile),
                         "--clause", "CLUSTER-ANY-NODE")
        assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout[-3000:]
    finally:
        process.terminate()
        process.wait(30)
