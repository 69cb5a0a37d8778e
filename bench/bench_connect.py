"""Emulator under load: 20 channels x 2 sendonly sora-sdk clients connecting at once.

Prints connect latency p50/p95 (target p95 < 0.5 s), the emulator's CPU time and peak memory, and checks
that nothing leaks once everyone has left (sessions, connections, asyncio tasks, open files).
"""
from __future__ import annotations

import asyncio
import os
import resource
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sora_conformance.clients import ClientPool
from sora_conformance.harness.capture import CaptureServer
from sora_emulator import Emulator, EmulatorConfig

CHANNELS = 20
PER_CHANNEL = 2


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def main() -> None:
    capture = CaptureServer(run_prefix="").start()
    tmp = Path(tempfile.mkdtemp())
    emulator = Emulator(EmulatorConfig(api_port=0, signaling_port=0, archive_dir=tmp / "archive",
                                       log_dir=tmp / "log", session_destroy_delay=0.2,
                                       session_webhook_url=capture.url("session"),
                                       event_webhook_url=capture.url("event"))).start()
    pool = ClientPool()
    pool.connect([emulator.signaling_url], "warm-up", "sendonly").disconnect()  # start the client worker
    fds_before = open_fds()
    cpu_before = time.process_time()

    def connect(index: int) -> tuple[float, object]:
        started = time.monotonic()
        client = pool.connect([emulator.signaling_url], f"bench-{index % CHANNELS}", "sendonly")
        return time.monotonic() - started, client

    wall = time.monotonic()
    with ThreadPoolExecutor(CHANNELS * PER_CHANNEL) as executor:
        results = list(executor.map(connect, range(CHANNELS * PER_CHANNEL)))
    wall = time.monotonic() - wall
    latencies = sorted(r[0] for r in results)
    with ThreadPoolExecutor(CHANNELS * PER_CHANNEL) as executor:
        list(executor.map(lambda r: r[1].disconnect(), results))
    for i in range(CHANNELS):
        capture.wait_for("session.destroyed", f"bench-{i}", clause="BENCH", timeout=30)
    cpu = time.process_time() - cpu_before
    app = emulator.app
    tasks = asyncio.run_coroutine_threadsafe(_task_count(emulator.app), emulator._loop).result(10)  # noqa: SLF001
    print(f"{CHANNELS} channels x {PER_CHANNEL} sendonly clients, all at once: {wall:.2f} s wall")
    print(f"connect latency: p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
          f"(target p95 < 500 ms)")
    print(f"emulator process (emulator + harness threads): CPU {cpu:.2f} s, "
          f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"after everyone left: sessions {len(app.state.sessions)}, connections {len(app.state.connections)}, "
          f"recordings {len(app.state.recordings)}, asyncio tasks {tasks} (1 = this probe), "
          f"open files {open_fds() - fds_before:+d} vs before")
    pool.close()
    emulator.stop()
    capture.stop()


async def _task_count(app: object) -> int:
    """Tasks still alive once the emulator's own background work (webhooks in flight) has finished."""
    pending = list(app._tasks)  # noqa: SLF001
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    return len(asyncio.all_tasks())


if __name__ == "__main__":
    main()
