"""Emulator under load: 20 channels x 2 sendonly sora-sdk clients connecting at once.

The emulator runs as its own process (`sora-emulator`), as it would standalone. A connect is timed from the
request to the client's own `connection.created` notify, which the emulator sends once ICE and DTLS are up.
Prints connect latency p50/p95 (target p95 < 0.5 s), the CPU time the emulator and the client worker spent
on the burst per connection (less sensitive than latency to other jobs sharing the machine; the load
average is printed too), the emulator's memory, and what is still alive once everyone has left (sessions,
connections, asyncio tasks, open files), which should be nothing.
"""
from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from sora_conformance.clients import ClientPool
from sora_conformance.harness.capture import CaptureServer

CHANNELS = 20
PER_CHANNEL = 2
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def memory(pid: int) -> str:
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status") if ":" in line)
    return f"RSS {status['VmRSS'].strip()}, peak {status['VmHWM'].strip()}"


def fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def main() -> None:
    load = os.getloadavg()[0]  # other jobs on the machine, before this bench starts its processes
    capture = CaptureServer(run_prefix="").start()
    api_port, signaling_port = free_port(), free_port()
    tmp = tempfile.mkdtemp()
    token = secrets.token_hex(16)  # /control/stats answers only this bench
    emulator = subprocess.Popen([sys.executable, "-m", "sora_emulator.cli", "--api-port", str(api_port),
                                 "--signaling-port", str(signaling_port), "--archive-dir", f"{tmp}/archive",
                                 "--log-dir", f"{tmp}/log", "--session-destroy-delay", "0.2", "--session-webhook-url", capture.url("session"),
                                 "--event-webhook-url", capture.url("event")], stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "SORA_EMULATOR_CONTROL_TOKEN": token})
    assert emulator.stdout is not None
    emulator.stdout.readline()  # the emulator prints one line once it listens
    api = f"http://127.0.0.1:{api_port}/"
    signaling = [f"ws://127.0.0.1:{signaling_port}/signaling"]
    pool = ClientPool()
    pool.connect(signaling, "warm-up", "sendonly").disconnect()
    capture.wait_for("session.destroyed", "warm-up", clause="BENCH", timeout=30)
    fds_before, cpu_before = fds(emulator.pid), cpu_seconds(emulator.pid)
    worker = pool.worker_pid
    assert worker is not None
    clients_before = cpu_seconds(worker)

    def connect(index: int) -> tuple[float, object]:
        started = time.monotonic()
        client = pool.connect(signaling, f"bench-{index % CHANNELS}", "sendonly")
        return time.monotonic() - started, client

    wall = time.monotonic()
    with ThreadPoolExecutor(CHANNELS * PER_CHANNEL) as executor:
        results = list(executor.map(connect, range(CHANNELS * PER_CHANNEL)))
    wall = time.monotonic() - wall
    burst_emulator, burst_clients = cpu_seconds(emulator.pid) - cpu_before, cpu_seconds(worker) - clients_before
    latencies = sorted(r[0] for r in results)
    loaded = memory(emulator.pid)
    with ThreadPoolExecutor(CHANNELS * PER_CHANNEL) as executor:
        list(executor.map(lambda r: r[1].disconnect(), results))
    for i in range(CHANNELS):
        capture.wait_for("session.destroyed", f"bench-{i}", clause="BENCH", timeout=30)
    cpu = cpu_seconds(emulator.pid) - cpu_before
    stats = requests.post(api + "control/stats", json={"settle": True}, headers={"x-control-token": token},
                          timeout=30).json()
    connections = CHANNELS * PER_CHANNEL
    print(f"{CHANNELS} channels x {PER_CHANNEL} sendonly clients, all at once: {wall:.2f} s wall "
          f"(1-minute load average {load:.2f} when the bench started)")
    print(f"connect latency: p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
          f"(target p95 < 500 ms)")
    print(f"CPU per connection during the burst: emulator {burst_emulator / connections * 1000:.1f} ms, "
          f"client worker {burst_clients / connections * 1000:.1f} ms")
    print(f"emulator process: CPU {cpu:.2f} s for the connect/disconnect round, memory with 40 peers: {loaded}")
    print(f"after everyone left: {stats} (asyncio_tasks: the one event-webhook sender stays), open files {fds(emulator.pid) - fds_before:+d} vs before")
    pool.close()
    emulator.terminate()
    emulator.wait(30)
    capture.stop()


if __name__ == "__main__":
    main()
