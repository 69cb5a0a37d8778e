"""The harness process behind one Locust process: it runs the recorded sessions its Locust users ask for.

Locust monkeypatches the standard library with gevent in the process it runs in; the harness relies on real
threads (the capture server, the client pool's reader, every wait on a threading.Condition), child processes
(the sora-sdk client worker) and CPU-bound work (decoding archives) that would stall a gevent hub. So none of it
runs in the Locust process: each Locust process starts one agent (`python -m sora_conformance.load.agent
SETTINGS`), a plain Python process with real threads, and talks to it over JSON lines on its stdin / stdout,
which gevent's subprocess pipes wait on cooperatively. One session runs on one agent thread.

Protocol. In: {"op": "run", "id": N} (a user wants one recorded session), {"op": "abandon", "id": N} (the user
was stopped); end of input: stop (every session cleaned up). Out: {"event": "ready"}, {"event": "result", "id":
N, ...} (one per run), {"event": "refused", "id": N, "reason"} (the agent's session budget is spent).
Each finished session is also a line of `sessions-<agent>.jsonl` in the results directory; `agent-<agent>.json`
says how the agent ended.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import traceback
import uuid
from pathlib import Path
from typing import IO, Any

from .. import scrub
from ..clients import ClientPool
from ..harness.archive import ArchiveDir
from ..harness.capture import CaptureServer
from ..harness.config import build_config
from ..harness.hub import register
from ..harness.profile import TargetProfile
from ..harness.scenario import Scenario
from ..harness.targets import Target
from ..harness.verdict import Checker, HarnessError
from .session import RecordedSession, SessionResult, step_clauses
from .settings import AgentSettings
from .stats import cpu_seconds, memory_kib

STOP_GRACE = 60.0  # seconds the sessions in flight get to clean up once the run stops


class Agent:
    def __init__(self, settings: AgentSettings) -> None:
        self.settings = settings
        self.name = uuid.uuid4().hex[:6]
        self.config = build_config(settings.harness_options, settings.env)
        for _, value in self.config.api_headers:
            scrub.register(value)
        if self.config.secret_key:
            scrub.register(self.config.secret_key)
        self.profile = TargetProfile(**settings.profile)
        self.target = Target("target", list(self.config.api_urls), list(self.config.signaling_urls),
                             self.config.archive_dir, False)
        self.pool = ClientPool(self.config.timeout_multiplier)
        results = Path(settings.results_dir)
        self.results = (results / f"sessions-{self.name}.jsonl").open("a", encoding="utf-8")
        self.status_path = results / f"agent-{self.name}.json"
        self.sessions: dict[int, tuple[threading.Thread, threading.Event, str]] = {}  # request -> thread, stop, label
        self.still_alive: list[str] = []  # channels whose session the target never destroyed
        self.memory_at_start = memory_kib(os.getpid())
        self.started = 0
        self.stopping = False
        self.lock = threading.Lock()
        self.connecting = threading.Lock()  # one session's clients at a time: consecutive signatures
        self.out: IO[str] = sys.stdout

    def log(self, line: str) -> None:
        """Progress for people (the agents' log beside the report): one line per session."""
        print(scrub.scrub_text(f"agent {self.name}: {line}"), file=sys.stderr, flush=True)

    def emit(self, message: dict[str, Any]) -> None:
        with self.lock:
            self.out.write(json.dumps(scrub.scrub(message)) + "\n")
            self.out.flush()

    def stop_sessions(self, signum: int = 0, frame: object = None) -> None:
        """SIGTERM (the run is interrupted): every session in flight is abandoned and cleaned up, no new one
        starts; the agent goes on answering until its Locust process closes the pipe."""
        self.stopping = True
        for _, cancelled, _ in list(self.sessions.values()):
            cancelled.set()

    def serve(self, commands: IO[str]) -> None:
        signal.signal(signal.SIGTERM, self.stop_sessions)
        (Path(self.settings.results_dir) / f"agent-{self.name}.pid").write_text(str(os.getpid()))
        self.emit({"event": "ready", "agent": self.name})
        for line in commands:
            try:
                command = json.loads(line)
                op, number = command["op"], int(command["id"])
            except (ValueError, KeyError, TypeError):
                continue
            if op == "run":
                self.run(number)
            elif op == "abandon" and number in self.sessions:
                self.sessions[number][1].set()
        self.stop()

    def run(self, request: int) -> None:
        if self.stopping:
            self.emit({"event": "refused", "id": request, "reason": "the run is stopping"})
            return
        if self.started >= self.settings.max_sessions:
            self.emit({"event": "refused", "id": request, "reason": f"this agent's {self.settings.max_sessions} "
                       "sessions (--max-sessions) are spent"})
            return
        spec = self.settings.plan.spec(self.started)
        self.started += 1
        cancelled = threading.Event()
        label = f"{self.name}-{self.started}"
        thread = threading.Thread(target=self._session, args=(request, SessionResult(self.started, spec), label,
                                                              cancelled), daemon=True)
        self.sessions[request] = (thread, cancelled, label)
        thread.start()

    def _session(self, request: int, result: SessionResult, label: str, cancelled: threading.Event) -> None:
        """One session with a capture server of its own, registered with the hub for the session's channel prefix
        and stopped once the session is over: what the agent holds grows with the sessions in flight, not with
        the sessions it has run."""
        capture = CaptureServer("127.0.0.1", 0, f"{self.config.run_prefix}-{label}", None, False,
                                self.config.webhook_max_body, self.config.webhook_max_connections).start()
        try:
            register(self.settings.hub_url, self.settings.hub_token, capture.run_prefix, capture.url_for(""))
            scenario = Scenario(self.config, self.profile, self.target, capture, self.pool,
                                Checker(strict=self.config.strict), lambda name, value: None, step_clauses(result.spec))
            archive = ArchiveDir(self.config.archive_dir, lambda name, value: None) if self.profile.archive_dir \
                else None
            RecordedSession(scenario, archive, result.spec, result, cancelled, label, self.config.strict, self.log,
                            self.connecting).run()
        except HarnessError as exc:  # the hub refused the registration
            result.error = scrub.scrub_text(str(exc))
        except Exception as exc:  # a harness bug: this session could not be judged, the user still gets its answer
            self.log(f"session {result.number}: {traceback.format_exc()}")  # scrubbed, into the agents' log
            result.error = scrub.scrub_text(f"internal error: {type(exc).__name__}: {exc}")
        finally:
            capture.stop()
        self._done(request, result.as_dict() | {"agent": self.name})

    def _done(self, request: int, result: dict[str, Any]) -> None:
        outcome = "abandoned" if result["abandoned"] else "could not judge" if result["error"] else "judged"
        self.log(f"session {result['number']} in {result['channel']}: {outcome}")
        summary = {k: result[k] for k in ("steps", "failed_steps", "error", "abandoned", "channel")}
        with self.lock:
            self.results.write(json.dumps(scrub.scrub(result), ensure_ascii=False) + "\n")
            self.results.flush()
            if result["still_alive"]:
                self.still_alive.append(result["channel"])
        self.emit({"event": "result", "id": request, "outcomes": [{k: o.get(k) for k in ("clause", "verdict",
                   "message")} for o in result["outcomes"]], "failed_archives": len(result["failed_archives"])}
                  | summary)
        with self.lock:
            self.sessions.pop(request, None)

    def stop(self) -> None:
        """Every session in flight is cleaned up (clients closed, recordings stopped, its session waited on until
        the target destroyed it); what is left is written down."""
        self.stop_sessions()
        for thread, _, _ in list(self.sessions.values()):
            thread.join(STOP_GRACE * self.config.timeout_multiplier)
        unfinished = [label for thread, _, label in self.sessions.values() if thread.is_alive()]
        worker = self.pool.worker_pid
        clients_cpu = cpu_seconds(worker) if worker else 0.0
        self.pool.close()
        status = {"agent": self.name, "pid": os.getpid(), "sessions": self.started, "unfinished": unfinished,
                  "still_alive": self.still_alive, "clean": not unfinished and not self.still_alive,
                  "cpu_seconds": {"agent": cpu_seconds(os.getpid()), "client_worker": clients_cpu},
                  "memory": {"at_start": self.memory_at_start, "at_end": memory_kib(os.getpid())}}
        self.results.close()
        self.status_path.write_text(json.dumps(scrub.scrub(status)), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        agent = Agent(AgentSettings.read(Path(args[0])))
    except (HarnessError, OSError, ValueError, IndexError, TypeError) as exc:
        print(json.dumps({"event": "fatal", "error": scrub.scrub_text(f"{type(exc).__name__}: {exc}")}), flush=True)
        return 2
    agent.serve(sys.stdin)
    return 0


if __name__ == "__main__":
    sys.exit(main())
