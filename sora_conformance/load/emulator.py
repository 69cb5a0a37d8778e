"""The embedded target of a load run: the emulator in a process of its own (`sora-emulator`), so its CPU and
memory can be read apart from the harness's, and its token-guarded /control/stats tells what is still alive."""
from __future__ import annotations

import os
import secrets
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import urllib3

from ..harness.profile import TargetProfile
from ..harness.verdict import HarnessError
from .stats import cpu_seconds, memory_kib

START_TIMEOUT = 30.0  # seconds for the emulator to listen (imports aiortc and PyAV)
CONTROL_TOKEN_ENV = "SORA_EMULATOR_CONTROL_TOKEN"  # how sora-emulator is given its control token


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EmulatorProcess:
    def __init__(self, workdir: Path, webhook_base: str, profile: TargetProfile, faults: tuple[str, ...],
                 session_updated_interval: float | None) -> None:
        self.workdir = workdir
        self.archive_dir = workdir / "archive"
        self.token = secrets.token_hex(16)  # /control/stats answers only this run
        self.api_url = self.signaling_url = ""
        api_port, signaling_port = free_port(), free_port()
        self.command = [sys.executable, "-m", "sora_emulator.cli", "--host", "127.0.0.1",
                        "--api-port", str(api_port), "--signaling-port", str(signaling_port),
                        "--archive-dir", str(self.archive_dir), "--log-dir", str(workdir / "log"),
                        "--session-destroy-delay", str(profile.session_destroy_delay),
                        "--session-webhook-url", f"{webhook_base}/webhook/session",
                        "--event-webhook-url", f"{webhook_base}/webhook/event",
                        "--auth-webhook-url", f"{webhook_base}/webhook/auth"]
        self.command += ["--recording-dual-output"] if profile.dual_output else []
        if session_updated_interval is not None:
            self.command += ["--session-updated-webhook-interval", str(session_updated_interval)]
        for fault in faults:
            self.command += ["--fault", fault]
        self.urls = (f"http://127.0.0.1:{api_port}/", f"ws://127.0.0.1:{signaling_port}/signaling")
        self.process: subprocess.Popen[str] | None = None
        self.cpu_at_start = 0.0

    def start(self) -> EmulatorProcess:
        """Returns once it listens; its own process group, so a terminal's Ctrl-C reaches only the command,
        which stops the emulator last (after every session is cleaned up and the leak check has looked)."""
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        with (self.workdir / "emulator.log").open("a") as log:  # its one-line complaints, never unread in a pipe
            self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=log, text=True,
                                            env=dict(os.environ, **{CONTROL_TOKEN_ENV: self.token}), process_group=0)
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], START_TIMEOUT)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("sora-emulator: API"):
            self.stop()
            said = (self.workdir / "emulator.log").read_text(errors="replace").strip().splitlines()[-1:] or [line]
            raise HarnessError(f"the embedded emulator did not start within {START_TIMEOUT:.0f} s: "
                               f"{said[0].strip() or 'no output'}")
        self.api_url, self.signaling_url = self.urls
        self.cpu_at_start = cpu_seconds(self.process.pid)  # its imports and start-up, not the run
        return self

    def figures(self) -> dict[str, Any]:
        """What is still alive (sessions, connections, recordings, tasks) once its background work has settled,
        and the CPU and memory it used."""
        if self.process is None or self.process.poll() is not None:
            return {"error": "the emulator is not running"}
        try:
            answer = urllib3.request("POST", self.api_url + "control/stats", json={"settle": True}, timeout=30,
                                     headers={"x-control-token": self.token}, retries=False)
            alive = answer.json()
        except (urllib3.exceptions.HTTPError, ValueError) as exc:
            alive = {"error": f"/control/stats: {type(exc).__name__}"}
        cpu = cpu_seconds(self.process.pid)
        return {"alive": alive, "cpu_seconds": cpu, "cpu_seconds_during_run": round(cpu - self.cpu_at_start, 2),
                "memory": memory_kib(self.process.pid)}

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None
