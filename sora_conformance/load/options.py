"""`sora-conformance load` options: the load's shape and bounds, plus the harness's own target options (the same
names and checks as `run`, read by harness.config.build_config)."""
from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..harness.config import ConfigError, HarnessConfig, build_config
from ..harness.options import NAMES, add_options
from ..media.signature import PALETTE
from .settings import FORMATS, OUTPUTS, STARTS, SessionPlan

NOT_FOR_LOAD = ("clause", "expectations")  # suite selection: a load run judges every recording with every check
MAX_RUN_TIME = 86400  # seconds: a load run stops by itself


class _ArgparseGroups:
    """harness.options.add_options speaks pytest's parser; this hands it argparse groups instead."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser

    def getgroup(self, name: str, description: str) -> Any:
        return SimpleNamespace(addoption=self.parser.add_argument_group(description).add_argument)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("load")
    g.add_argument("--sessions", type=int, default=2, help="recorded sessions at once (Locust users, default 2)")
    g.add_argument("--clients", type=int, default=2, help="sendonly clients in each session (default 2)")
    g.add_argument("--hold", type=float, default=5.0, help="seconds each session records (default 5)")
    g.add_argument("--run-time", type=int, default=60, help="seconds sessions are started for (default 60)")
    g.add_argument("--start", default="session.created", help="how recording starts: session.created, api, or "
                   "both comma-separated (sessions take each in turn)")
    g.add_argument("--output", default="single", help="single, split (split_only), or both comma-separated")
    g.add_argument("--format", default="webm", help="webm, mp4, or both comma-separated")
    g.add_argument("--split-duration", type=int, default=2, help="split_duration of split sessions (default 2)")
    g.add_argument("--report-timeout", type=float, default=30.0,
                   help="seconds from the last leave to recording.report (default 30)")
    g.add_argument("--max-sessions", type=int, default=1000, help="recorded sessions the run starts at most")
    g.add_argument("--max-rate", type=float, default=5.0, help="recorded sessions started per second at most")
    g.add_argument("--workers", type=int, default=0,
                   help="Locust worker processes on this host (default 0: one Locust process)")
    g.add_argument("--master", action="store_true", help="only the Locust master: start the workers yourself")
    g.add_argument("--expect-workers", type=int, default=1, help="with --master: workers to wait for")
    g.add_argument("--worker", action="store_true", help="a Locust worker joining a --master on this host")
    g.add_argument("--master-host", default="127.0.0.1", help="with --worker: the master (this host only)")
    g.add_argument("--master-port", type=int, default=0, help="the master's port (default: a free one)")
    g.add_argument("--report-dir", type=Path, default=Path("reports/load"), help="where reports go")
    g.add_argument("--no-html", action="store_true", help="skip the Allure HTML report")
    g.add_argument("--strict", action="store_true", help="should / info / inferred findings fail too")
    add_options(_ArgparseGroups(parser))  # type: ignore[arg-type]


@dataclass(frozen=True)
class LoadOptions:
    config: HarnessConfig
    plan: SessionPlan
    sessions: int
    run_time: int
    max_sessions: int
    max_rate: float
    workers: int = 0  # Locust worker processes this command starts (0: one local Locust process)
    master_only: bool = False  # a Locust master whose `expect_workers` workers are started by hand
    expect_workers: int = 1

    @property
    def agents(self) -> int:
        """Locust processes running users (each with its agent): the local one, or the workers."""
        return self.expect_workers if self.master_only else max(1, self.workers)

    @property
    def pacing(self) -> float:
        """Seconds between two session starts of one user, so that all together start at most max_rate a second."""
        return self.sessions / self.max_rate

    @property
    def sessions_per_agent(self) -> int:
        return math.ceil(self.max_sessions / self.agents)


def _choices(value: str, allowed: tuple[str, ...], option: str) -> tuple[str, ...]:
    chosen = tuple(v.strip() for v in value.split(",") if v.strip())
    if not chosen or any(v not in allowed for v in chosen):
        raise ConfigError(f"{option} takes {', '.join(allowed)} (comma-separated), got {value!r}")
    return tuple(dict.fromkeys(chosen))


def _within(value: float, low: float, high: float, option: str) -> None:
    if not low <= value <= high:
        raise ConfigError(f"{option} must be from {low:g} to {high:g}, got {value:g}")


def parse(args: argparse.Namespace) -> LoadOptions:
    """Every bad value is one ConfigError line (exit 2)."""
    for name in NOT_FOR_LOAD:
        if getattr(args, name, None):
            raise ConfigError(f"--{name} selects suite tests; a load run judges every recording with every check")
    _within(args.sessions, 1, 1000, "--sessions")
    _within(args.clients, 1, len(PALETTE), "--clients")  # each client of a session sends a signature of its own
    _within(args.hold, 0.5, 3600, "--hold")
    _within(args.run_time, 1, MAX_RUN_TIME, "--run-time")
    _within(args.split_duration, 1, 3600, "--split-duration")
    _within(args.report_timeout, 1, 3600, "--report-timeout")
    _within(args.max_sessions, 1, 1_000_000, "--max-sessions")
    _within(args.max_rate, 0.01, 1000, "--max-rate")
    _within(args.workers, 0, 64, "--workers")
    _within(args.expect_workers, 1, 64, "--expect-workers")
    _within(args.master_port, 0, 65535, "--master-port")
    if args.master_host not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError("--master-host must be this host (127.0.0.1): the agents register with the capture hub, "
                          "which relays webhooks to this host only")
    if args.sessions > args.max_sessions:
        raise ConfigError(f"--sessions {args.sessions} is more than --max-sessions {args.max_sessions}")
    plan = SessionPlan(args.clients, args.hold, _choices(args.start, STARTS, "--start"),
                       _choices(args.output, OUTPUTS, "--output"), _choices(args.format, FORMATS, "--format"),
                       args.split_duration, args.report_timeout)
    if not plan.combinations:
        raise ConfigError("--format mp4 needs --start api: format is a StartRecording parameter, with no documented "
                          "session.created counterpart")
    config = build_config({name: getattr(args, name, None) for name in NAMES} | {"strict": args.strict})
    if config.emulator_faults:
        from sora_emulator.faults import UnknownFault, known

        try:
            known(config.emulator_faults)
        except UnknownFault as exc:
            raise ConfigError(str(exc)) from None
    if args.master and args.workers:
        raise ConfigError("--master starts no workers: give --expect-workers and start them with --worker")
    return LoadOptions(config, plan, args.sessions, args.run_time, args.max_sessions, args.max_rate, args.workers,
                       args.master, args.expect_workers)
