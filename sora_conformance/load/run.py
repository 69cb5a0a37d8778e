"""One load run, start to end: the capture hub, the target (the embedded emulator unless one is given), a check
that it answers, Locust's processes with their agents, the leak check, the reports, the exit code.

This process never imports Locust (gevent stays in Locust's own processes). It runs the hub the target's webhooks
reach, which relays each to the agent whose channel prefix it carries; agents prove with the run's token that
they belong to it.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import scrub
from ..harness.captured import owns_channel
from ..harness.config import HarnessConfig, printed_target
from ..harness.exposure import exposure_line, policy_line
from ..harness.hub import CaptureHub
from ..harness.preflight import check_api, check_signaling
from ..harness.profile import TargetProfile, resolve_profile
from ..harness.target import SoraApi
from ..harness.verdict import HarnessError
from .emulator import EmulatorProcess, free_port
from .options import LoadOptions
from .processes import LocustPlan, Ran, run_locust
from .report import read_agents, tally
from .report_files import build, render_markdown, write_allure, write_json
from .settings import AgentSettings
from .stats import load_average

STARTUP = 120.0  # seconds for Locust's processes and their agents to start, on top of the run time


@dataclass
class TargetAddress:
    """Where the load goes: the embedded emulator started for it, or the target given."""

    api_urls: list[str]
    signaling_urls: list[str]
    archive_dir: Path | None


class CannotStart(Exception):
    """The run could not start (target unreachable, address in use): one line, exit 2."""


@dataclass
class Outputs:
    report_dir: Path
    html: bool = True
    master_port: int = 0


def run(options: LoadOptions, outputs: Outputs) -> int:
    config = options.config
    for _, value in config.api_headers:
        scrub.register(value)
    if config.secret_key:
        scrub.register(config.secret_key)
    outputs.report_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="sora-conformance-load-"))  # this user's only: the settings hold secrets
    try:
        return _run(options, resolve_profile(config), outputs, workdir)
    except CannotStart as exc:
        print(scrub.scrub_text(f"sora-conformance load: {exc}"), file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(options: LoadOptions, profile: TargetProfile, outputs: Outputs, workdir: Path) -> int:
    config, results = options.config, outputs.report_dir / "sessions"
    shutil.rmtree(results, ignore_errors=True)  # what is read after the run is this run's
    results.mkdir()
    hub = _hub(config)
    emulator: EmulatorProcess | None = None
    try:
        if config.embedded:
            emulator = EmulatorProcess(workdir / "emulator", hub.url_for(""), profile, config.emulator_faults,
                                       config.emulator_session_updated_interval)
            target = _start(emulator)
        else:
            target = TargetAddress(list(config.api_urls), list(config.signaling_urls), config.archive_dir)
        _preflight(config, target)
        settings = workdir / "settings.json"
        _agent_settings(options, profile, target, hub, results).write(settings)
        plan = LocustPlan(options.sessions, min(options.sessions, options.max_rate), options.run_time,
                          config.timeout(options.plan.longest) + 30, outputs.report_dir, settings,
                          options.workers, outputs.master_port or free_port())
        for line in _startup_lines(config):
            print(line)
        meta = _meta(options, profile, plan)
        ran = _locust(options, plan, outputs.report_dir, results)
        meta["run"] |= {"stopped_by": ran.stopped_by and f"signal {ran.stopped_by}", "deadline_hit": ran.deadline_hit,
                        "locust_exit_codes": ran.codes}
        leaks = _leaks(config, target)
        meta["resources"] = {"emulator": emulator.figures() if emulator else None}
    finally:
        if emulator is not None:
            emulator.stop()
        hub.stop()
    agents = read_agents(results)
    meta["machine"]["load_end"] = load_average()
    meta["run"]["finished"] = _now()
    meta["resources"]["agents"] = [{k: a.get(k) for k in ("agent", "sessions", "cpu_seconds", "memory")}
                                   for a in agents]
    report = build(tally(results), agents, options.agents, meta, leaks)
    return _write(report, outputs, ran)


def _hub(config: HarnessConfig) -> CaptureHub:
    try:
        return CaptureHub.listening_as(config).start()
    except OSError:
        raise CannotStart(f"the webhook capture hub cannot listen on {config.webhook_host}:{config.webhook_port}: "
                          "address already in use or not available") from None


def _start(emulator: EmulatorProcess) -> TargetAddress:
    try:
        emulator.start()
    except HarnessError as exc:
        raise CannotStart(str(exc)) from None
    return TargetAddress([emulator.api_url], [emulator.signaling_url], emulator.archive_dir)


def _preflight(config: HarnessConfig, target: TargetAddress) -> None:
    try:
        for url in target.api_urls:
            check_api(url, dict(config.api_headers), config.timeout(10))
        check_signaling(target.signaling_urls, config.timeout(10))
    except HarnessError as exc:
        raise CannotStart(str(exc)) from None


def _startup_lines(config: HarnessConfig) -> list[str]:
    """As `run` prints them: who else the capture endpoint answers, and what a non-loopback address exposes (the
    hub's /hub/register, refused without the run's token, is always there)."""
    exposed = exposure_line(config, True)
    return [] if config.embedded and exposed is None else [policy_line(config, False)] + ([exposed] if exposed else [])


def _agent_settings(options: LoadOptions, profile: TargetProfile, target: TargetAddress, hub: CaptureHub,
                    results: Path) -> AgentSettings:
    """The target as the agents reach it (the embedded emulator's URLs are a target like any other to them)."""
    config = options.config
    harness = {"sora_api_url": ",".join(target.api_urls), "sora_signaling_url": ",".join(target.signaling_urls),
               "channel_prefix": config.channel_prefix, "run_id": config.run_id,
               "archive_dir": str(target.archive_dir) if target.archive_dir else None,
               "timeout_multiplier": config.timeout_multiplier, "strict": config.strict,
               "api_header": [f"{name}: {str.__str__(value)}" for name, value in config.api_headers],
               "webhook_max_body": str(config.webhook_max_body),
               "webhook_max_connections": str(config.webhook_max_connections)}
    env = {"TEST_SECRET_KEY": str.__str__(config.secret_key)} if config.secret_key else {}
    profile_fields = dict(profile.__dict__) | {"archive_dir": target.archive_dir is not None}
    return AgentSettings(harness, env, profile_fields, hub.url_for("/"), hub.token, str(results), options.plan,
                         options.sessions_per_agent, options.pacing)


def _locust(options: LoadOptions, plan: LocustPlan, report_dir: Path, results: Path) -> Ran:
    if options.master_only:
        print(f"sora-conformance load: waiting for {options.expect_workers} workers: sora-conformance load --worker "
              f"--master-port {plan.master_port} (on this host, as this user)", flush=True)
    leader = plan.leader(options.expect_workers if options.master_only else None)
    workers = [plan.worker() for _ in range(options.workers)]
    deadline = options.run_time + plan.stop_timeout + STARTUP + (60 if options.master_only else 0)
    return run_locust(leader, workers, deadline, report_dir / "locust.log", results)


def _leaks(config: HarnessConfig, target: TargetAddress) -> list[str]:
    """Sessions of this run the target still has once every agent has seen its sessions destroyed."""
    try:
        sessions = SoraApi(target.api_urls[0], dict(config.api_headers), config.timeout(10)).list_sessions()
    except Exception as exc:  # a leak check that cannot look is reported, never passed over
        return [f"ListSessions failed: {exc}"]
    if not isinstance(sessions, list):
        return [f"ListSessions answered {type(sessions).__name__}, not a list"]
    return [f"session {s.get('session_id')} of {s.get('channel_id')} is still alive" for s in sessions
            if isinstance(s, dict) and owns_channel(config.run_prefix, str(s.get("channel_id", "")))]


def _meta(options: LoadOptions, profile: TargetProfile, plan: LocustPlan) -> dict[str, Any]:
    processes = (f"a Locust master and {options.agents} workers" if options.workers or options.master_only
                 else "one Locust process")
    return {"target": printed_target(options.config), "profile": profile.name,
            "load": {"sessions": options.sessions, "clients": options.plan.clients, "hold": options.plan.hold,
                     "run_time": options.run_time, "starts": options.plan.starts, "outputs": options.plan.outputs,
                     "formats": options.plan.formats, "max_sessions": options.max_sessions,
                     "max_rate": options.max_rate, "locust_processes": processes, "stop_timeout": plan.stop_timeout},
            "machine": {"cpus": os.cpu_count(), "load_start": load_average()},
            "run": {"started": _now()}}


def _write(report: dict[str, Any], outputs: Outputs, ran: Ran) -> int:
    report_dir = outputs.report_dir
    write_json(report_dir / "load-report.json", report)
    (report_dir / "load-report.md").write_text(render_markdown(report), encoding="utf-8")
    write_allure(report_dir / "allure-results", report)
    if outputs.html:
        _html(report_dir)
    clauses = report["clauses"]
    print(f"sora-conformance load: {report['verdict'].upper()}: {report['sessions']['judged']} recordings judged "
          f"on {len(clauses)} clauses; {sum(c['failed'] for c in clauses)} clause failures, "
          f"{report['failed_archives']['count']} failed archives (load average {report['machine']['load_end']})")
    for reason in report["incomplete_reasons"] + report["failing_reasons"]:
        print(f"  - {reason}")
    print(f"sora-conformance load: reports in {report_dir}/ (load-report.md, load-report.json, locust.html, "
          "locust_stats.csv, allure-report/index.html; every session's line in sessions/)")
    return exit_code(report, ran.stopped_by)


def exit_code(report: dict[str, Any], stopped_by: int | None) -> int:
    """As `run`: 0 every recording conforms, 1 some do not or the run is incomplete, 128 + the signal that
    stopped it (130 for Ctrl-C); 2 (usage, unreachable target) is decided before any session starts."""
    if stopped_by is not None:
        return 128 + stopped_by
    return 0 if report["verdict"] == "pass" else 1


def _html(report_dir: Path) -> None:
    from ..reporting.allure_html import AllureUnavailable, generate

    try:
        generate(report_dir / "allure-results", report_dir / "allure-report", name="Sora recording conformance under load")
    except (AllureUnavailable, RuntimeError, OSError) as exc:
        print(f"sora-conformance load: no HTML report: {exc}", file=sys.stderr)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
