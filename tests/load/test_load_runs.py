"""The load mode's self-test, at small scale against the embedded emulator: 2 recorded sessions at once, real
sora-sdk clients, real Locust (one process, or a master and two workers), bounded in time. It passes on the
clean emulator, fails on a fault that loses reports or fails archives under load, and stops cleanly on Ctrl-C."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sora_conformance.harness.profile import TargetProfile
from sora_conformance.load.emulator import EmulatorProcess

pytestmark = pytest.mark.slow
SMALL = ("--sessions", "2", "--clients", "2", "--hold", "2", "--run-time", "4", "--no-html")
OVERLAP = ("--hold", "4")  # the two sessions record at the same time even when connects are slow (a busy machine)


def load(report_dir: Path, *args: str, env: dict[str, str] | None = None,
         timeout: float = 300) -> tuple[subprocess.CompletedProcess[str], dict]:
    done = subprocess.run([sys.executable, "-m", "sora_conformance.cli", "load", "--report-dir", str(report_dir),
                           *SMALL, *args], capture_output=True, text=True, timeout=timeout,
                          env=None if env is None else os.environ | env)
    report = report_dir / "load-report.json"
    assert report.exists(), done.stdout + done.stderr
    return done, json.loads(report.read_text())


def locust_count(report_dir: Path, kind: str, name: str, failures: bool = False) -> int:
    """Locust's request count (or failure count) of one step or check, from its final CSV."""
    for line in (report_dir / "locust_stats.csv").read_text().splitlines()[1:]:
        cells = line.split(",")
        if cells[:2] == [kind, name]:
            return int(cells[3 if failures else 2])
    return 0


def clauses(report: dict) -> dict[str, dict]:
    return {c["id"]: c for c in report["clauses"]}


def test_every_recording_of_two_at_once_is_judged_and_conforms(tmp_path):
    done, report = load(tmp_path, "--start", "session.created,api", "--format", "webm,mp4")
    assert done.returncode == 0, done.stdout + done.stderr
    assert report["verdict"] == "pass" and report["leaks"] == []
    assert report["sessions"]["judged"] == report["sessions"]["started"] >= 2
    assert all(c["judged"] >= 1 and c["failed"] == 0 and c["errors"] == 0 for c in report["clauses"])
    assert {"MEDIA-OWN-CONTENT", "OUT-FORMAT-MP4", "REC-STOP-ON-DESTROY"} <= set(clauses(report))
    assert report["resources"]["emulator"]["alive"]["sessions"] == 0
    # Locust's own statistics hold every session too (its HTML report and final CSV)
    assert locust_count(tmp_path, "step", "judge") == report["sessions"]["judged"]
    assert (tmp_path / "locust.html").exists() and (tmp_path / "load-report.md").exists()


def test_a_target_given_by_url_is_judged_and_its_secrets_are_printed_nowhere(tmp_path):
    """A staging-like Sora: a standalone emulator posting to a fixed --webhook-listen port, an API header and
    TEST_SECRET_KEY (a JWT in every connect's metadata, echoed by the auth webhook)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        hooks = probe.getsockname()[1]
    staging = EmulatorProcess(tmp_path / "staging", f"http://127.0.0.1:{hooks}",
                              TargetProfile("staging", session_destroy_delay=0.5), (), None).start()
    profile = tmp_path / "profile.yaml"
    profile.write_text("name: staging-like\nlegacy_recording: removed\narchive_dir: true\nsession_destroy_delay: 2\n")
    try:
        done, report = load(tmp_path / "reports", "--sora-api-url", staging.api_url, "--sora-signaling-url",
                            staging.signaling_url, "--webhook-listen", f"127.0.0.1:{hooks}", "--archive-dir",
                            str(staging.archive_dir), "--target-profile", str(profile), "--channel-prefix", "staged",
                            "--api-header", "X-Api-Key: hdr-secret-4711", env={"TEST_SECRET_KEY": "key-secret-0815"})
    finally:
        staging.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    assert report["verdict"] == "pass" and report["target"]["channel_prefix"].startswith("staged-")
    assert clauses(report)["MEDIA-OWN-CONTENT"]["judged"] >= 1  # archive_dir given: files and media judged
    printed = done.stdout + done.stderr + "".join(p.read_text(errors="replace") for p in
                                                  (tmp_path / "reports").rglob("*") if p.is_file())
    for secret in ("hdr-secret-4711", "key-secret-0815", "eyJ"):
        assert secret not in printed


def test_a_master_and_two_workers_share_the_run(tmp_path):
    done, report = load(tmp_path, "--workers", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(report["agents"]) == 2 and all(a["clean"] and a["sessions"] >= 1 for a in report["agents"])
    assert report["sessions"]["judged"] == report["sessions"]["started"]
    assert locust_count(tmp_path, "step", "judge") == report["sessions"]["judged"]


def test_a_report_lost_under_load_fails_the_run(tmp_path):
    done, report = load(tmp_path, "--emulator-fault", "report-lost-under-load", "--report-timeout", "3", *OVERLAP)
    assert done.returncode == 1, done.stdout + done.stderr
    lost = clauses(report)["REC-STOP-ON-DESTROY"]
    assert report["verdict"] == "fail" and lost["failed"] >= 1
    assert "no recording.report" in lost["first_failure"]["message"]
    assert locust_count(tmp_path, "step", "recording.report", failures=True) == lost["failed"]
    assert locust_count(tmp_path, "check", "REC-STOP-ON-DESTROY", failures=True) == lost["failed"]


def test_an_archive_failed_under_load_is_reported_and_fails_the_run(tmp_path):
    done, report = load(tmp_path, "--emulator-fault", "archive-failed-under-load", *OVERLAP)
    assert done.returncode == 1, done.stdout + done.stderr
    failed = report["failed_archives"]
    assert report["verdict"] == "fail" and failed["count"] >= 1
    assert all(f["connection_id"] and f["archive.failed"] is not None for f in failed["entries"])
    assert all(c["failed"] == 0 for c in report["clauses"])  # the contract does not say archives never fail


@pytest.mark.parametrize("processes", [[], ["--workers", "2"]], ids=["one-locust-process", "master-and-workers"])
def test_ctrl_c_cleans_up_every_session_and_says_incomplete(tmp_path, processes):
    command = [sys.executable, "-m", "sora_conformance.cli", "load", "--report-dir", str(tmp_path), "--sessions",
               "2", "--hold", "60", "--run-time", "60", "--no-html", *processes]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = tmp_path / "sessions" / "agents.log"
    deadline = time.monotonic() + 120
    while not (log.exists() and ": recording " in log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)  # sleep-ok: watching another process's log file, there is no event to wait on
    run.send_signal(signal.SIGINT)  # Ctrl-C while sessions are recording
    output, _ = run.communicate(timeout=300)
    assert run.returncode == 130, output
    report = json.loads((tmp_path / "load-report.json").read_text())
    assert report["verdict"] == "incomplete" and "stopped by signal 2" in report["incomplete_reasons"]
    assert report["sessions"]["abandoned"] >= 1 and report["leaks"] == []
    assert report["resources"]["emulator"]["alive"] == {"sessions": 0, "connections": 0, "recordings": 0,
                                                        "background_tasks": 0, "asyncio_tasks": 1}
    assert all(a["clean"] for a in report["agents"])
