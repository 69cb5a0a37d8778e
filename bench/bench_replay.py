"""`replay --generate` throughput: payloads/s generated (Hypothesis), validated and posted to a local receiver.

Target: at least 200 payloads/s on this 2-core machine. The receiver runs as its own process (a minimal
keep-alive HTTP/1.1 server answering what Sora expects), so its CPU is not the generator's. Prints figures;
asserts nothing. `python bench/bench_replay.py [N]`
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

from sora_conformance.contract.generate import payload_strategy
from sora_conformance.contract.kinds import TYPES
from sora_conformance.replay.hunt import hunt, shares
from sora_conformance.replay.receiver import Receiver

SEEDS = (1, 2, 3)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        body = b'{"allowed": true}' if self.path.endswith("/auth") else b"{}"
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)  # polling a child process's port with a deadline (bench, not a suite)
    raise SystemExit(f"the bench receiver did not listen on {port} within 10 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux /proc), to tell our cost from the machine's load."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def generation_only(count: int, seed: int) -> float:
    """The same runs as replay (one per type, N shared evenly) without validating or posting."""
    drawn = 0

    def draw(payload: object) -> None:
        nonlocal drawn
        drawn += 1

    started = time.perf_counter()
    for kind, share in shares(count, TYPES).items():
        options = settings(max_examples=share, database=None, deadline=None, suppress_health_check=list(HealthCheck))
        hypothesis_seed(seed)(options(given(payload_strategy(kind))(draw)))()
    return drawn / (time.perf_counter() - started)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    port = free_port()
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        wait_listening(port, time.monotonic() + 10)
        receiver = Receiver(f"http://127.0.0.1:{port}/hooks", timeout=10)
        generation_only(50, 0)  # warm-up: strategies compiled, schemas loaded
        print(f"replay --generate {count}, all {len(TYPES)} types, receiver in its own process")
        print(f"  load average before: {os.getloadavg()[0]:.2f} (2 cores; other work slows the wall figure)")
        for seed in SEEDS:
            started, cpu, child_cpu = time.perf_counter(), time.process_time(), cpu_seconds(child.pid)
            cases, tally = hunt(receiver, TYPES, count, seed)
            failures = [f for case in cases for f in case.failures]
            elapsed = time.perf_counter() - started
            ours = (time.process_time() - cpu) / tally.posted * 1000
            theirs = (cpu_seconds(child.pid) - child_cpu) / tally.posted * 1000
            print(f"  seed {seed}: {tally.posted} generated + validated + posted in {elapsed:.1f} s = "
                  f"{tally.posted / elapsed:,.0f} payloads/s wall ({len(failures)} failures); CPU per payload "
                  f"{ours:.2f} ms replay + {theirs:.2f} ms receiver = {1000 / (ours + theirs):,.0f}/s on free cores")
        for seed in SEEDS:
            print(f"  seed {seed}: generation alone {generation_only(count, seed):,.0f} payloads/s")
        receiver.close()
    finally:
        child.terminate()
        child.wait(timeout=10)


if __name__ == "__main__":
    main()
