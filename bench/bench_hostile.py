"""Webhook latency on a hostile network: how long a webhook posted as Sora posts them (a fresh connection each,
in bursts) waits for the capture server's answer, with no attack and side by side under attack:
- `slowloris`: a peer keeps N trickling connections open on the webhook port (a header byte a second, re-opened
  at once when closed), from the address the webhooks come from (127.0.0.1);
- `stalled relay`: with --forward-webhooks pointing at a backend that never finishes an answer, other channels'
  webhooks keep arriving (more at once than the relay takes) while this run's are posted.
Prints p50 / p99 / worst latency per scenario and the load average beside each. Not a test.

    .venv/bin/python bench/bench_hostile.py [--webhooks 600] [--peers 200]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from contextlib import AbstractContextManager, ExitStack, nullcontext
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the hostile peers live beside the tests

from sora_conformance.harness.capture import CaptureServer  # noqa: E402
from tests.harness.hostile_peer import Slowloris, StalledBackend  # noqa: E402

BURST = 20  # webhooks posted at once, as Sora does when many connections come and go
FOREIGN_POSTERS = 80  # other channels' webhooks in flight at once in the stalled-relay scenario (> 64 threads of old)


async def post_like_sora(url: str, count: int, channel: str) -> list[float]:
    """Latency of each webhook, posted in bursts on fresh connections (as the emulator, like Sora, posts);
    infinite for one that got no 200 within 60 s (closed, refused, timed out)."""
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(force_close=True, limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(n: int) -> None:
            body = {"type": "session.created", "channel_id": channel, "session_id": f"S{n}", "id": f"w{n}",
                    "timestamp": "2025-01-01T00:00:00.000000Z"}
            started = time.monotonic()
            try:
                async with session.post(url, json=body, timeout=aiohttp.ClientTimeout(total=60)) as answer:
                    await answer.read()
                    ok = answer.status == 200
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            latencies.append(time.monotonic() - started if ok else float("inf"))

        for first in range(0, count, BURST):
            await asyncio.gather(*(one(n) for n in range(first, min(first + BURST, count))))
    return latencies


def foreign_flow(server: CaptureServer, stop: threading.Event) -> threading.Thread:
    """Other channels' webhooks, FOREIGN_POSTERS at a time, until `stop`."""
    async def flow() -> None:
        connector = aiohttp.TCPConnector(force_close=True, limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            async def poster() -> None:
                body = {"type": "session.created", "channel_id": "other-team-room", "session_id": "S"}
                while not stop.is_set():
                    try:
                        async with session.post(server.url("session"), json=body) as answer:
                            await answer.read()
                    except (aiohttp.ClientError, TimeoutError):
                        return  # the server stopped, or never answered

            await asyncio.gather(*(poster() for _ in range(FOREIGN_POSTERS)))

    thread = threading.Thread(target=asyncio.run, args=(flow(),), daemon=True)
    thread.start()
    return thread


def scenario(name: str, webhooks: int, peers: int) -> None:
    with ExitStack() as stack:
        backend = stack.enter_context(_closing(StalledBackend())) if name == "stalled relay" else None
        server = CaptureServer(run_prefix="bench", forward_url=backend.url() if backend else None).start()
        stack.callback(server.stop)
        attack: AbstractContextManager[object] = \
            Slowloris(server.port, count=peers, every=1.0) if name == "slowloris" else nullcontext()
        stack.enter_context(attack)
        if isinstance(attack, Slowloris):
            attack.wait_open(peers, 30.0)
            threading.Event().wait(2.0)  # sleep-ok: let the peer's connections reach their steady churn
        stop = threading.Event()
        if backend is not None:
            stack.callback(stop.set)
            foreign_flow(server, stop)
        asyncio.run(post_like_sora(server.url("session"), BURST * 5, "bench-warm-up"))
        latencies = sorted(asyncio.run(post_like_sora(server.url("session"), webhooks, f"bench-{name[:4]}")))
        closed = server.limits.closed_to_make_room
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    label = f"{name} ({peers} peers)" if name == "slowloris" else name
    lost = sum(1 for latency in latencies if latency == float("inf"))
    print(f"{label:<22} {len(latencies):>5} webhooks  p50 {statistics.median(latencies) * 1000:7.1f} ms  "
          f"p99 {p99 * 1000:7.1f} ms  worst {latencies[-1] * 1000:7.1f} ms  lost {lost:>4}  "
          f"connections closed to make room {closed:>6}  load {os.getloadavg()[0]:.2f}")


class _closing(AbstractContextManager[StalledBackend]):
    def __init__(self, backend: StalledBackend) -> None:
        self.backend = backend

    def __enter__(self) -> StalledBackend:
        return self.backend

    def __exit__(self, *exc: object) -> None:
        self.backend.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhooks", type=int, default=600)
    parser.add_argument("--peers", type=int, default=200)
    parser.add_argument("--scenarios", default="no attack,slowloris,stalled relay")
    options = parser.parse_args()
    for name in options.scenarios.split(","):
        scenario(name, options.webhooks, options.peers)
