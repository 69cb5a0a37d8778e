"""What recording the received media costs the emulator: CPU per recorded connection.

Four sendonly sora-sdk clients (160x120 @ 10 fps VP8 + Opus, each its own signature) in one channel, for
RECORD seconds connected but not recorded, then RECORD seconds recorded. The emulator runs in this process
(the clients in their worker process), so this process's CPU time is the emulator's. The difference is what
decoding the received media and re-encoding it costs (WebM VP8 + Opus; `--format mp4`: MP4 H.264 + Opus).
Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import resource
import tempfile
import threading
import time
from pathlib import Path

import requests

from sora_conformance.clients import ClientPool
from sora_emulator import Emulator, EmulatorConfig

CLIENTS = 4
RECORD = 5.0


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def call(emulator: Emulator, target: str, body: dict[str, object]) -> None:
    requests.post(emulator.api_url, json=body, headers={"x-sora-target": target}, timeout=10).raise_for_status()


def measure(seconds: float) -> float:
    before = cpu()
    threading.Event().wait(seconds)  # sleep-ok: the measured interval itself
    return cpu() - before


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("webm", "mp4"), default="webm", help="the recording's format")
    fmt = parser.parse_args().format
    archive = Path(tempfile.mkdtemp(prefix="bench-recording-"))
    emulator = Emulator(EmulatorConfig(api_port=0, signaling_port=0, archive_dir=archive)).start()
    pool = ClientPool()
    try:
        for _ in range(CLIENTS):
            pool.connect([emulator.signaling_url], "bench")
        idle = measure(RECORD)
        call(emulator, "Sora_20231220.StartRecording", {"channel_id": "bench", "format": fmt})
        recording = measure(RECORD)
        started = time.monotonic()
        call(emulator, "Sora_20231220.StopRecording", {"channel_id": "bench"})
        stop = time.monotonic() - started
    finally:
        pool.close()
        emulator.stop()
    size = sum(p.stat().st_size for p in archive.rglob(f"*.{fmt}"))
    extra = (recording - idle) / RECORD / CLIENTS
    print(f"{CLIENTS} clients, {RECORD:.0f} s each way: emulator CPU {idle / RECORD:.1%} of a core connected, "
          f"{recording / RECORD:.1%} recording")
    print(f"recording costs {extra:.1%} of a core per connection (decode VP8 + Opus, re-encode to {fmt}); "
          f"StopRecording answered in {stop * 1000:.0f} ms; {size / 1024:.0f} KiB of {fmt} written; "
          f"1-minute load average {os.getloadavg()[0]:.2f}")
