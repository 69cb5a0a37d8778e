"""Suite wall time against the embedded emulator: serial and with -n 2, how much is harness overhead, and the
share of the serial run spent decoding archives for the content checks (suites/test_media.py).

Targets: under 30 s serial on 2 cores, -n 2 at least 1.6x faster, overhead within 1.3x of the waits the
scenarios cannot avoid (expiry timers, destroy delays, recorded media intervals). Prints figures; asserts nothing.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Waits the scenarios cannot avoid: each end_session waits the destroy delay (0.3 s embedded), the expiry
# test waits expire_time (1 s), each "nothing arrives" check waits its window (0.5-1 s).
DESTROY_DELAY = 0.3


def run(*args: str) -> tuple[float, str, float]:
    """Wall time, pytest's summary line and the seconds spent decoding archives (bench/decode_timing.py)."""
    started = time.monotonic()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "suites"), "-q", "-p", "no:cacheprovider",
                           "-p", "decode_timing", "--no-conformance-report", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env)
    wall = time.monotonic() - started
    decoding = re.search(r"decoding: ([0-9.]+) s", done.stdout)
    return wall, done.stdout.strip().splitlines()[-1], float(decoding.group(1)) if decoding else 0.0


def inherent_waits() -> float:
    text = "\n".join(p.read_text() for p in (ROOT / "suites").glob("test_*.py"))
    ends = len(re.findall(r"end_session\(|wait_session_destroyed\(", text))
    windows = sum(float(w) for w in re.findall(r"within=([0-9.]+)", text))
    media = (ROOT / "suites" / "test_media.py").read_text()
    constants = dict(re.findall(r"^([A-Z]+) = ([0-9.]+)", media, re.M))
    recorded = sum(float(constants.get(v, v)) for v in re.findall(r"record_for\(([A-Z]+|[0-9.]+)\)", media))
    return ends * DESTROY_DELAY + windows + recorded + 1.0  # + the 1 s expiry test


if __name__ == "__main__":
    serial, serial_summary, decoding = run()
    parallel, parallel_summary, _ = run("-n", "2")
    waits = inherent_waits()
    print(f"serial:  {serial:6.1f} s  ({serial_summary})   target < 30 s")
    print(f"decoding archives (content checks): {decoding:.2f} s, {decoding / serial:.1%} of the serial run")
    print(f"-n 2:    {parallel:6.1f} s  ({parallel_summary})   speed-up {serial / parallel:.2f}x, target >= 1.6x")
    print(f"inherent waits (lower bound, from the suite source): ~{waits:.1f} s; serial wall / waits = "
          f"{serial / waits:.2f} (startup, WebRTC connects and file writing included)")
