"""Recording under load, per recorded session: how the emulator's and the client workers' CPU grow from 1 to 10
sessions at once, and how many webhooks a second the capture hub relays to an agent.

Part 1 runs `sora-conformance load` (one Locust process, the embedded emulator in its own process) with N
concurrent recorded sessions of 2 sendonly clients, each held HOLD seconds, for RUN seconds, and reads its
load report: the emulator's CPU during the run (start-up excluded) and the client worker's, each divided by the
recordings judged. Part 2 posts recording webhooks to a CaptureHub that relays them to a registered capture
server, as the target's webhooks reach an agent. The 1-minute load average is printed beside every figure: the
machine is shared, so figures move with it.

    .venv/bin/python bench/bench_load.py [--sessions 1,2,5,10] [--hold 5] [--run-time 30]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from sora_conformance.harness.capture import CaptureServer
from sora_conformance.harness.hub import CaptureHub, register


def load_average() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def run_load(sessions: int, hold: float, run_time: int, report_dir: Path) -> dict:
    command = [sys.executable, "-m", "sora_conformance.cli", "load", "--sessions", str(sessions), "--clients", "2",
               "--hold", str(hold), "--run-time", str(run_time), "--report-dir", str(report_dir), "--no-html"]
    subprocess.run(command, capture_output=True, text=True, timeout=run_time + 600)
    return json.loads((report_dir / "load-report.json").read_text())


def per_session(sessions: int, hold: float, run_time: int) -> None:
    before = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        report = run_load(sessions, hold, run_time, Path(tmp))
    judged = report["sessions"]["judged"]
    emulator = report["resources"]["emulator"]
    clients = sum(a["cpu_seconds"]["client_worker"] for a in report["resources"]["agents"])
    agent = sum(a["cpu_seconds"]["agent"] for a in report["resources"]["agents"])
    steps = report["steps"]
    print(f"{sessions:>2} at once: {judged:>3} recordings judged ({report['verdict']}); CPU per recorded session: "
          f"emulator {emulator['cpu_seconds_during_run'] / max(judged, 1):.2f} s, client worker "
          f"{clients / max(judged, 1):.2f} s, agent {agent / max(judged, 1):.2f} s; emulator peak RSS "
          f"{emulator['memory']['peak_rss_kib'] // 1024} MiB; recording.report p95 "
          f"{steps.get('recording.report', {}).get('p95', 0) * 1000:.0f} ms, connect p95 "
          f"{steps.get('connect', {}).get('p95', 0) * 1000:.0f} ms ({before} before, "
          f"{report['machine']['load_end']} after)", flush=True)


def hub_throughput(count: int = 2000, threads: int = 8) -> None:
    """Webhooks the hub takes from the target and relays to an agent's capture server, validated there."""
    capture = CaptureServer(run_prefix="bench-").start()
    hub = CaptureHub("127.0.0.1", 0).start()
    register(hub.url_for("/"), hub.token, "bench-", capture.url_for(""))
    body = {"type": "recording.started", "id": "I", "timestamp": "2026-01-01T00:00:00.000Z", "version": "2025.2.0",
            "label": "L", "node_name": "N", "channel_id": "bench-1", "session_id": "0RHGJQ54VF8EGAJ2EKBQVX3V3E",
            "data": {"channel_id": "bench-1", "session_id": "0RHGJQ54VF8EGAJ2EKBQVX3V3E", "recording_id": "R",
                     "split_only": False, "created_at": 1, "start_timestamp": "2026-01-01T00:00:00.000Z"}}
    url = hub.url_for("/webhook/session")

    def post(_: int) -> int:
        with requests.Session() as session:
            return session.post(url, json=body, timeout=10).status_code

    before = load_average()
    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        codes = list(pool.map(post, range(count)))
    seconds = time.monotonic() - started
    print(f"capture hub: {count} webhooks relayed to an agent's capture server in {seconds:.2f} s = "
          f"{count / seconds:.0f}/s ({threads} posting threads, a connection each; {codes.count(200)} answered 200; "
          f"{before} before, {load_average()} after)")
    hub.stop()
    capture.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,2,5,10", help="concurrent sessions to measure, comma-separated")
    parser.add_argument("--hold", type=float, default=5.0)
    parser.add_argument("--run-time", type=int, default=30)
    args = parser.parse_args()
    for sessions in (int(n) for n in args.sessions.split(",")):
        per_session(sessions, args.hold, args.run_time)
    hub_throughput()


if __name__ == "__main__":
    main()
