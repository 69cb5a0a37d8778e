"""Webhook capture: throughput of the capture server, and how soon a waiting test wakes after arrival.

Target: a webhook wait returns within 10 ms (p99) of the webhook's arrival. Prints figures.
"""
from __future__ import annotations

import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from sora_conformance.paths import fixtures_dir
from sora_conformance.harness.capture import CaptureServer

POSTS = 2000
WAITS = 300


def payload(channel: str) -> dict:
    body = json.loads((fixtures_dir() / "valid" / "recording.report" / "full.json").read_text())
    return body | {"channel_id": channel}


def throughput(capture: CaptureServer) -> None:
    url = capture.url("session")
    body = json.dumps(payload("bench-throughput"))
    local = threading.local()

    def post(_: int) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        local.session.post(url, data=body, headers={"content-type": "application/json"}, timeout=10)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(post, range(POSTS)))
    seconds = time.perf_counter() - t0
    print(f"capture throughput: {POSTS / seconds:,.0f} webhooks/s ({POSTS} posts, 8 senders, validated on arrival)")


def wake_latency(capture: CaptureServer) -> None:
    url = capture.url("session")
    session = requests.Session()
    latencies = []
    for i in range(WAITS):
        channel = f"bench-wait-{i}"
        woke: list[float] = []

        def waiter(channel: str = channel, woke: list[float] = woke) -> None:
            record = capture.wait_for("recording.report", channel, clause="BENCH", timeout=5)
            woke.append(time.monotonic() - record.arrived)

        thread = threading.Thread(target=waiter)
        thread.start()
        session.post(url, json=payload(channel), timeout=5)
        thread.join()
        latencies.append(woke[0] * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"wait wake-up after arrival: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms "
          f"({WAITS} waits; target p99 < 10 ms)")


if __name__ == "__main__":
    server = CaptureServer(run_prefix="bench").start()
    try:
        throughput(server)
        wake_latency(server)
    finally:
        server.stop()
