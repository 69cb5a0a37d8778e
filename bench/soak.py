"""Flake hunt: N consecutive full runs of the suite against the embedded emulator, serial and with -n 2.

Prints each run's verdict and wall time, and every test that did not pass with its message. Target: N of N
clean in both modes on a 2-core machine. A figure, not a test: it asserts nothing.

    python bench/soak.py            # 30 runs per mode
    python bench/soak.py 5 --serial-only
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(mode_args: list[str]) -> tuple[str, float, list[str]]:
    with tempfile.TemporaryDirectory(prefix="soak-") as out:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "suites"), "-q", "-p", "no:cacheprovider",
                               f"--report-dir={out}", *mode_args], capture_output=True, text=True, cwd=ROOT)
        elapsed = time.monotonic() - started
        report = Path(out) / "conformance-report.json"
        if not report.exists():
            return f"no report (exit {done.returncode})", elapsed, [done.stdout[-1500:] + done.stderr[-1500:]]
        data = json.loads(report.read_text())
    problems = sorted({f"{t['nodeid']}: {t['verdict']}: {t.get('message') or ''}"[:400]
                       for c in data["clauses"] for t in c["tests"] if t["verdict"] not in ("pass", "unsupported")})
    problems += [f"leak: {leak}" for leak in data.get("leaks", [])]
    return data["verdict"], elapsed, problems


def soak(label: str, mode_args: list[str], runs: int) -> int:
    clean = 0
    times = []
    for number in range(1, runs + 1):
        verdict, elapsed, problems = one_run(mode_args)
        times.append(elapsed)
        clean += verdict == "pass" and not problems
        print(f"{label} run {number:2}/{runs}: {verdict:<10} {elapsed:5.1f} s", flush=True)
        for problem in problems:
            print(f"    {problem}", flush=True)
    times.sort()
    print(f"{label}: {clean}/{runs} clean; wall median {times[len(times) // 2]:.1f} s, max {times[-1]:.1f} s",
          flush=True)
    return clean


if __name__ == "__main__":
    count = int(next((a for a in sys.argv[1:] if a.isdigit()), "30"))
    soak("serial", [], count)
    if "--serial-only" not in sys.argv:
        soak("-n 2", ["-n", "2"], count)
