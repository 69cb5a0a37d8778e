"""What hisui costs on the suite's kind of recording: `inspect --decode` per file, `compose` per directory, and
the FILES-COMPOSE step (every file inspected while the directory is composed, at most 2 hisui at once).

Two sendonly sora-sdk clients (160x120 @ 10 fps VP8 + Opus) recorded RECORD seconds by the embedded emulator,
in each layout the suite judges with hisui: WebM single, WebM split, MP4 single, MP4 split (split_duration 1).
Prints the median of REPEAT runs beside the 1-minute load average; asserts nothing.
"""
from __future__ import annotations

import os
import resource
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

from sora_conformance.clients import ClientPool
from sora_conformance.composing.check import check_recording, media_files, ready_hisui
from sora_conformance.harness.capture import CaptureServer
from sora_emulator import Emulator, EmulatorConfig

RECORD = 2.0
REPEAT = 7
LAYOUTS = {"webm single": {}, "webm split": {"split_only": True, "split_duration": 1},
           "mp4 single": {"format": "mp4"}, "mp4 split": {"format": "mp4", "split_only": True, "split_duration": 1}}


def record(emulator: Emulator, capture: CaptureServer, pool: ClientPool, channel: str, params: dict) -> str:
    """A finished recording of two senders; returns its recording_id once recording.report came."""
    clients = [pool.connect([emulator.signaling_url], channel) for _ in range(2)]
    requests.post(emulator.api_url, json={"channel_id": channel, **params},
                  headers={"x-sora-target": "Sora_20231220.StartRecording"}, timeout=10).raise_for_status()
    threading.Event().wait(RECORD)  # sleep-ok: the recorded interval itself
    requests.post(emulator.api_url, json={"channel_id": channel},
                  headers={"x-sora-target": "Sora_20231220.StopRecording"}, timeout=10).raise_for_status()
    report = capture.wait_for("recording.report", channel, clause="bench", timeout=20, endpoint="session")
    for client in clients:
        client.disconnect(timeout=10)
    return str(report.data()["recording_id"])


def median_ms(run: Callable[..., object], *args: object) -> tuple[float, float]:
    """(median wall ms, mean CPU ms of the hisui processes it ran): CPU does not grow with the load."""
    times = []
    before = children_cpu()
    for _ in range(REPEAT):
        started = time.perf_counter()
        run(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, (children_cpu() - before) / REPEAT * 1000


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="bench-hisui-"))
    capture = CaptureServer(run_prefix="bench").start()
    emulator = Emulator(EmulatorConfig(api_port=0, signaling_port=0, archive_dir=base / "archive",
                                       session_webhook_url=capture.url("session"),
                                       event_webhook_url=capture.url("event"))).start()
    pool = ClientPool()
    hisui = ready_hisui()
    try:
        recorded = {name: record(emulator, capture, pool, f"bench-{i}", params)
                    for i, (name, params) in enumerate(LAYOUTS.items())}
    finally:
        pool.close()
        emulator.stop()
        capture.stop()
    print(f"hisui {hisui.tool.binary}, OpenH264 {hisui.tool.openh264}; {RECORD:.0f} s, 2 connections, "
          f"median of {REPEAT}")
    for name, recording_id in recorded.items():
        directory = base / "archive" / recording_id
        files = media_files(directory)
        inspect = [median_ms(hisui.inspect, f) for f in files]
        with tempfile.TemporaryDirectory() as work:
            compose = median_ms(hisui.compose, directory, Path(work))
        step = median_ms(check_recording, hisui, directory)
        findings = [f.title for f in check_recording(hisui, directory).findings]
        print(f"{name:12s} {len(files)} files: inspect --decode {statistics.median(w for w, _ in inspect):5.1f} ms/file "
              f"(CPU {statistics.mean(c for _, c in inspect):4.1f}), compose {compose[0]:6.1f} ms (CPU {compose[1]:5.1f}), "
              f"FILES-COMPOSE step {step[0]:6.1f} ms (CPU {step[1]:5.1f}) (load {os.getloadavg()[0]:.2f}) "
              f"findings: {findings or 'none'}")


if __name__ == "__main__":
    main()
