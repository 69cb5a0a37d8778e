"""The Locust side of `sora-conformance load`: users that each run recorded sessions, one after another.

This file runs inside Locust, whose gevent has monkeypatched the standard library, so it imports nothing of the
harness: every Locust process (local, or each worker; never the master, which only coordinates) starts one agent
process (agent.py) that runs the sessions with real threads, and each user waits for its session's result on a
pipe, which gevent waits on cooperatively. Each step the agent timed is a Locust request event (`step`), each
clause it judged one too (`check`, failed when the target broke it; `warning` for a should-level finding), so
Locust's statistics, HTML report and CSV files show both.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import gevent
from gevent import Greenlet
from gevent.event import AsyncResult
from locust import User, events, task
from locust.exception import StopUser
from locust.runners import MasterRunner, WorkerRunner
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV
from locust.user.wait_time import constant_pacing

SETTINGS_OPTION = "--sora-load-settings"
AGENT_STOP = 120.0  # seconds an agent gets to clean up its sessions (it bounds each wait itself)


class SessionFailed(Exception):
    """A step or check the target failed, as Locust's failure statistics show it (message: [clause] title)."""


class AgentLink:
    """The pipe to this process's agent: one request line per session, one result line back."""

    def __init__(self, settings: Path) -> None:
        log = (Path(json.loads(settings.read_text(encoding="utf-8"))["results_dir"]) / "agents.log").open("a")
        self.process = subprocess.Popen([sys.executable, "-m", "sora_conformance.load.agent", str(settings)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
        log.close()
        self.ready: AsyncResult = AsyncResult()
        self.waiting: dict[int, AsyncResult] = {}
        self.numbers = iter(range(1, 1 << 62))
        Greenlet.spawn(self._read)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("event") in ("ready", "fatal"):
                self.ready.set(message)
            elif message.get("id") in self.waiting:
                self.waiting[message["id"]].set(message)
        gone = {"event": "fatal", "error": f"the agent exited with {self.process.wait()}"}
        self.ready.set(gone) if not self.ready.ready() else None
        for waiting in list(self.waiting.values()):
            waiting.set(gone)

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the reader reports the agent gone

    def session(self) -> dict[str, Any]:
        """Runs one recorded session; a stopped user abandons it (the agent cleans it up)."""
        ready = self.ready.get()
        if ready.get("event") == "fatal":
            return ready
        number = next(self.numbers)
        result: AsyncResult = AsyncResult()
        self.waiting[number] = result
        self._send({"op": "run", "id": number})
        finished = False
        try:
            answer: dict[str, Any] = result.get()
            finished = True
            return answer
        finally:
            self.waiting.pop(number, None)
            if not finished:
                self._send({"op": "abandon", "id": number})

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()  # end of input: the agent stops
        try:
            self.process.wait(AGENT_STOP)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


AGENT: AgentLink | None = None
ENVIRONMENT: list[Any] = []  # Locust's environment, for the quit event (which is not given it)


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument(SETTINGS_OPTION, default="", include_in_web_ui=False,
                        help="the load run's private settings file (written by sora-conformance load)")
    parser.add_argument("--sora-run-time", type=float, default=0.0, include_in_web_ui=False,
                        help="seconds after which users start no new session; then they finish theirs and Locust quits")
    parser.add_argument("--sora-load-csv", default="", include_in_web_ui=False,
                        help="write Locust's final statistics as PREFIX_stats.csv, _failures.csv, _exceptions.csv")


RUN_OVER = "sora_run_over"  # master -> workers: the run ends; quit once stopped (no other run follows)
QUIT_WHEN_STOPPED: list[bool] = []


@events.init.add_listener
def _remember(environment: Any, **kwargs: Any) -> None:
    ENVIRONMENT[:] = [environment]
    if isinstance(environment.runner, WorkerRunner):
        environment.runner.register_message(RUN_OVER, lambda **message: QUIT_WHEN_STOPPED.append(True))


@events.quitting.add_listener
def _stop_workers_first(environment: Any, **kwargs: Any) -> None:
    """A master quitting on SIGTERM (the run is interrupted) tells its workers to quit and exits half a second
    later, before the sessions they are abandoning have reported; stopping them first waits for that."""
    if isinstance(environment.runner, MasterRunner):
        environment.runner.send_message(RUN_OVER)
        environment.runner.stop()


@events.quit.add_listener
def _write_csv(exit_code: int, **kwargs: Any) -> None:
    """Locust's --csv files are rewritten every second while the run goes and miss what the users reported in
    its last second (locustio/locust#1806, #2299); written here, at quit, they hold every session's events."""
    if not ENVIRONMENT:
        return
    environment = ENVIRONMENT[0]
    prefix = environment.parsed_options.sora_load_csv
    if not prefix or isinstance(environment.runner, WorkerRunner):
        return
    tables = StatsCSV(environment, PERCENTILES_TO_REPORT)
    for suffix, write in (("stats", tables.requests_csv), ("failures", tables.failures_csv),
                          ("exceptions", tables.exceptions_csv)):
        with open(f"{prefix}_{suffix}.csv", "w", newline="", encoding="utf-8") as out:
            write(csv.writer(out))


def _settings(environment: Any) -> Path:
    return Path(environment.parsed_options.sora_load_settings)


@events.test_start.add_listener
def _start_agent(environment: Any, **kwargs: Any) -> None:
    global AGENT
    if not isinstance(environment.runner, MasterRunner) and AGENT is None:
        AGENT = AgentLink(_settings(environment))


@events.test_start.add_listener
def _schedule_the_end(environment: Any, **kwargs: Any) -> None:
    """Locust's own --run-time makes a headless master quit at once, telling its workers to quit and exiting half
    a second later, before the sessions they are finishing have reported. The run ends here instead as the web
    UI's stop does: stop (every user finishes its session within the stop timeout, every worker reports), then
    quit."""
    seconds = environment.parsed_options.sora_run_time
    if seconds and not isinstance(environment.runner, WorkerRunner):
        gevent.spawn_later(seconds, _end_run, environment)


def _end_run(environment: Any) -> None:
    if isinstance(environment.runner, MasterRunner):
        environment.runner.send_message(RUN_OVER)
    environment.runner.stop()
    environment.runner.quit()


@events.test_stop.add_listener
def _stop_agent(environment: Any, **kwargs: Any) -> None:
    global AGENT
    if AGENT is not None:
        AGENT.close()
        AGENT = None
    if isinstance(environment.runner, WorkerRunner):
        # A worker reports its statistics every 3 s, and tells the master it stopped right after this event: the
        # events of the sessions that ended since the last report would never reach the master's statistics
        # (its HTML report and CSV) without one more report now. Locust has no public call for it.
        environment.runner._send_stats()
        if QUIT_WHEN_STOPPED:  # runs once this stop is done and the master told (it then forgets this worker)
            gevent.spawn(environment.runner.quit)


class RecordedSessionUser(User):
    """Runs one recorded session after another (at most one per pacing interval: --max-rate)."""

    def on_start(self) -> None:
        pacing = json.loads(_settings(self.environment).read_text(encoding="utf-8")).get("pacing", 0.0)
        self.wait_time = types.MethodType(constant_pacing(pacing), self)  # type: ignore[method-assign]

    @task
    def recorded_session(self) -> None:
        if AGENT is None:
            raise StopUser()
        answer = AGENT.session()
        if answer.get("event") in ("fatal", "refused"):
            self._fire("session", answer.get("event", ""), 0, answer.get("error") or answer.get("reason"))
            raise StopUser()
        self.report(answer)

    def report(self, answer: dict[str, Any]) -> None:
        for step, seconds in answer.get("steps", {}).items():
            for value in seconds:
                self._fire("step", step, value * 1000, None)
        for step, why in answer.get("failed_steps", {}).items():
            self._fire("step", step, 0, why)
        for outcome in answer.get("outcomes", []):
            verdict, clause = outcome.get("verdict"), outcome.get("clause", "?")
            if verdict in ("pass", "fail", "error"):
                self._fire("check", clause, 0, None if verdict == "pass" else f"[{clause}] {outcome.get('message')}")
            elif verdict == "warn":
                self._fire("warning", clause, 0, f"[{clause}] {outcome.get('message')}")
        for name, failed in (("could not judge", answer.get("error")), ("abandoned", answer.get("abandoned")),
                             ("failed_archives", answer.get("failed_archives"))):
            if failed:
                self._fire("session", name, 0, f"{name}: {failed}")

    def _fire(self, kind: str, name: str, milliseconds: float, failure: str | None) -> None:
        self.environment.events.request.fire(request_type=kind, name=name, response_time=milliseconds,
                                             response_length=0, context={},
                                             exception=SessionFailed(failure) if failure else None)
