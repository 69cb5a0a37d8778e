"""Resource figures of the processes a load run starts, read from /proc (Linux); 0 / None where unreadable."""
from __future__ import annotations

import os

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime, after the process name


def memory_kib(pid: int) -> dict[str, int] | None:
    """Resident memory now and at its peak (KiB)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            lines = dict(line.split(":", 1) for line in status if ":" in line)
        return {"rss_kib": int(lines["VmRSS"].split()[0]), "peak_rss_kib": int(lines["VmHWM"].split()[0])}
    except (OSError, KeyError, ValueError, IndexError):
        return None


def load_average() -> float:
    """The 1-minute load average: every figure a load run prints stands beside it."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return -1.0
