"""Locust's own processes for a load run: one local process, or a master (bound to loopback) and its workers.

Each runs in a process group of its own, so a terminal's Ctrl-C reaches only `sora-conformance load`, which
passes one SIGINT to the Locust process that leads (Locust stops its users, and the workers' through the
master; every agent then cleans its sessions up) and waits a bounded time for everything to end.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
CLEANUP_GRACE = 180.0  # seconds Locust and the agents get to clean up after a stop (each wait inside is bounded)


@dataclass(frozen=True)
class LocustPlan:
    users: int
    spawn_rate: float
    run_time: int  # seconds
    stop_timeout: float  # seconds a user gets to finish the session it is in when the run time is up
    report_dir: Path
    settings: Path
    workers: int = 0  # 0: one local Locust process; N: a master and N worker processes
    master_port: int = 0

    def common(self) -> list[str]:
        return [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--sora-load-settings", str(self.settings),
                "--loglevel", "WARNING"]

    def leader(self, expect_workers: int | None = None) -> list[str]:
        """The local process or the master: it owns the run's shape and writes Locust's reports."""
        command = self.common() + ["-u", str(self.users), "-r", str(self.spawn_rate), "--sora-run-time", str(self.run_time),
                                   "--stop-timeout", str(int(self.stop_timeout)), "--only-summary",
                                   "--html", str(self.report_dir / "locust.html"),
                                   "--sora-load-csv", str(self.report_dir / "locust")]
        # headless: Locust's web UI would be a control endpoint (start, stop, more users) with no authentication
        command += ["--headless"]
        expected = self.workers if expect_workers is None else expect_workers
        if expected:
            command += ["--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", str(self.master_port),
                        "--expect-workers", str(expected), "--expect-workers-max-wait", "60"]
        return command

    def worker(self) -> list[str]:
        return worker_command("127.0.0.1", self.master_port)


def worker_command(master_host: str, master_port: int) -> list[str]:
    """A worker: the master forwards the run's settings (and everything else) when the run starts."""
    return [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--loglevel", "WARNING", "--worker",
            "--master-host", master_host, "--master-port", str(master_port)]


@dataclass
class Ran:
    codes: list[int | None] = field(default_factory=list)  # each Locust process's exit code (None: killed)
    stopped_by: int | None = None  # the signal that stopped the run, or None
    deadline_hit: bool = False


def run_locust(leader: list[str], workers: list[list[str]], deadline: float, log: Path,
               agents: Path | None = None) -> Ran:
    """Starts the Locust processes and waits for them: until they end, or `deadline` seconds (then the run is
    stopped as by Ctrl-C and reported incomplete). SIGINT / SIGTERM stop it: each agent (its pid in
    `agents`/agent-*.pid) abandons and cleans up its sessions, and the leader stops its users (a master its
    workers'); the workers themselves are signalled only if that is not enough."""
    ran = Ran()
    stop_asked = threading.Event()
    with log.open("a") as out:
        processes = [subprocess.Popen(c, stdin=subprocess.DEVNULL, stdout=out, stderr=out, process_group=0)
                     for c in workers + [leader]]

    def stop(signum: int, frame: FrameType | None) -> None:
        if ran.stopped_by is None:
            print(f"sora-conformance load: {signal.Signals(signum).name}: stopping; every session is cleaned up "
                  f"(up to {CLEANUP_GRACE:.0f} s)", file=sys.stderr, flush=True)
        ran.stopped_by = ran.stopped_by or signum
        stop_asked.set()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    leader_process, worker_processes = processes[-1], processes[:-1]
    try:
        if not _wait_all([leader_process], stop_asked, deadline):
            ran.deadline_hit = ran.stopped_by is None
            _stop_agents(agents)
            _terminate(leader_process)
            _wait_all([leader_process], threading.Event(), CLEANUP_GRACE)
        # Once the master has gone, its workers (their sessions done and reported) only wait for it to come back.
        for process in worker_processes:
            _terminate(process)
        if not _wait_all(processes, threading.Event(), CLEANUP_GRACE / 2):
            for process in processes:
                process.kill()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    ran.codes = [p.wait() for p in processes]
    return ran


def _wait_all(processes: list[subprocess.Popen[bytes]], stop: threading.Event, seconds: float) -> bool:
    """True once every process has ended; False when `stop` is set or `seconds` have passed first."""
    done = threading.Event()

    def watch() -> None:
        for process in processes:
            process.wait()
        done.set()
        stop.set()

    threading.Thread(target=watch, daemon=True).start()
    stop.wait(seconds)
    return done.is_set()


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # Locust shuts down on it as on Ctrl-C


def _stop_agents(agents: Path | None) -> None:
    for pid_file in sorted(agents.glob("agent-*.pid")) if agents is not None else []:
        try:
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        except (OSError, ValueError):
            continue  # already gone
