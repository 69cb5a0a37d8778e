"""Webhook capture: throughput of the capture server, and how soon a waiting test wakes after arrival.

Target: a webhook wait returns within 10 ms (p99) of the webhook's arrival. Prints figures.
"""
from __future__ import annotations

import json
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import urllib3

from sora_conformance.paths import fixtures_dir
from sora_conformance.harness.capture import CaptureServer

POSTS = 2000
WAITS = 300


def payload(channel: str) -> dict:
    body = json.loads((fixtures_dir() / "valid" / "recording.report" / "full.json").read_text())
    return body | {"channel_id": channel}


def throughput(capture: CaptureServer) -> None:
    url = capture.url("session")
    body = json.dumps(payload("bench-throughput")).encode()
    senders = urllib3.PoolManager(maxsize=8, retries=False, timeout=10.0)  # a keep-alive connection per sender

    def post(_: int) -> None:
        senders.request("POST", url, body=body, headers={"content-type": "application/json"})

    t0 = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(post, range(POSTS)))
    seconds = time.perf_counter() - t0
    print(f"capture throughput: {POSTS / seconds:,.0f} webhooks/s ({POSTS} posts, 8 senders, validated on arrival; "
          f"load {os.getloadavg()[0]:.2f})")


def wake_latency(capture: CaptureServer) -> None:
    url = capture.url("session")
    sender = urllib3.PoolManager(retries=False, timeout=5.0)
    latencies = []
    for i in range(WAITS):
        channel = f"bench-wait-{i}"
        woke: list[float] = []

        def waiter(channel: str = channel, woke: list[float] = woke) -> None:
            record = capture.wait_for("recording.report", channel, clause="BENCH", timeout=5)
            woke.append(time.monotonic() - record.arrived)

        thread = threading.Thread(target=waiter)
        thread.start()
        sender.request("POST", url, json=payload(channel))
        thread.join()
        latencies.append(woke[0] * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"wait wake-up after arrival: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms "
          f"({WAITS} waits; target p99 < 10 ms; load {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    server = CaptureServer(run_prefix="bench").start()
    try:
        throughput(server)
        wake_latency(server)
    finally:
        server.stop()
