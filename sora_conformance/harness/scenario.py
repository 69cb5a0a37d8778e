"""What a conformance test does, in the spec's words: open sessions, record, wait for webhooks, check.

One `Scenario` per test (the `sora` fixture yields its subclass `recipes.Sora`, which adds the shared recipes
and `files`). It knows the test's clauses: every step and check is about the
test's first clause unless another of its clauses is named, and naming a clause the test is not tagged with
is a harness error. It owns every channel, client and recording the test makes and cleans them up afterwards,
whatever happened.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt

from ..clients import ClientPool, SoraClient
from ..reporting.progress import waiting
from .capture import TAG_KEY, Captured, CaptureServer
from .config import HarnessConfig
from .profile import TargetProfile
from .secret import Secret
from .started import LEGACY_START, START, Started
from .target import Exchange, SoraApi, TargetError
from .targets import Target
from .verdict import Checker, ClauseFailure, HarnessError

WEBHOOK_TIMEOUT = 10.0  # seconds to wait for a webhook, before the multiplier


class Scenario:
    def __init__(self, config: HarnessConfig, profile: TargetProfile, target: Target, capture: CaptureServer,
                 pool: ClientPool, checker: Checker, evidence: Callable[[str, Any], None],
                 clauses: list[str] | None = None) -> None:
        self.config = config
        self.profile = profile
        self.clauses = list(clauses or [])
        self.target = target
        self._capture = capture
        self._pool = pool
        self._checker = checker
        self.evidence = evidence
        self._exchanges: list[Exchange] = []
        self._nodes = [SoraApi(url, dict(config.api_headers), timeout=config.timeout(10),
                               on_exchange=self._record_exchange) for url in target.api_urls]
        self._api = self._nodes[0]
        self.channels: list[str] = []
        self._started = Started(self._api, config.timeout(10))
        self.clients = self._started.clients

    def clause(self, named: str | None = None) -> str:
        """The clause a step or check is about: the test's first, or another of its own."""
        if named is None:
            if not self.clauses:
                raise HarnessError("the test has no @pytest.mark.clause: its checks would judge nothing")
            return self.clauses[0]
        if self.clauses and named not in self.clauses:
            raise HarnessError(f"the test names clause {named} but is tagged only with {', '.join(self.clauses)}")
        return named

    # --- channels, answers, clients ------------------------------------------------------------
    def new_channel(self, label: str = "") -> str:
        channel = f"{self.config.run_prefix}-{label + '-' if label else ''}{uuid.uuid4().hex[:10]}"
        self.channels.append(channel)
        return channel

    def answer_session_created(self, channel: str, answer: dict[str, Any]) -> None:
        if answer.get("recording") is True:
            self._started.recording(START, channel)
        self._capture.answer(channel, "session.created", answer)

    @property
    def session_ids(self) -> list[str]:
        """The sessions the test's clients joined, each once, sorted (evidence and report parameters)."""
        return sorted({c.session_id for c in self.clients if c.session_id})

    @property
    def nodes(self) -> int:
        """How many cluster nodes' APIs the target gave (1 unless it is a cluster)."""
        return len(self._nodes)

    def connect(self, channel: str, role: str = "sendonly", auth_answer: dict[str, Any] | None = None,
                node: int | None = None, video: bool = True) -> SoraClient:
        """`node`: connect through that cluster node's signaling URL only (default: the SDK picks among all);
        `video=False`: a client that sends audio only."""
        metadata: dict[str, Any] = {}
        if auth_answer is not None:
            tag = uuid.uuid4().hex[:12]
            metadata[TAG_KEY] = tag
            self._capture.answer(channel, f"auth:{tag}", auth_answer)
        if self.config.secret_key:
            claims = {"channel_id": channel, "exp": int(time.time()) + 300}
            # a Secret: tracebacks (pytest -l), fixture dumps and reprs of the metadata show REDACTED
            metadata["access_token"] = Secret(jwt.encode(claims, self.config.secret_key, algorithm="HS256"))
        urls = self.target.signaling_urls
        urls = [urls[node % len(urls)]] if node is not None else urls
        client = self._pool.connect(urls, channel, role, metadata or None, video=video, timeout=WEBHOOK_TIMEOUT)
        self.clients.append(client)
        return client

    def live_channel(self, label: str = "") -> tuple[str, SoraClient]:
        """A new channel with one sender in it: a live session."""
        channel = self.new_channel(label)
        return channel, self.connect(channel)

    def leave(self, *clients: SoraClient) -> None:
        for client in clients:
            client.disconnect(timeout=self.config.timeout(10))

    # --- API -------------------------------------------------------------------------------------
    def call(self, target: str, body: Any) -> Exchange:
        """Any API call, kept as evidence, whatever its status; recordings it may start are cleaned up."""
        channel = body.get("channel_id") if isinstance(body, dict) else None
        if isinstance(channel, str) and target in (START, LEGACY_START):
            self._started.recording(target, channel)
        return self._api.call(target, body)

    def get_session(self, channel: str, session_id: str | None) -> Exchange:
        """GetSession as Shiguredo's devtools sends it: with the session_id whenever it is known."""
        return self.call("Sora_20231220.GetSession", {"channel_id": channel} | ({"session_id": session_id}
                                                                                if session_id else {}))

    def calls(self, suffix: str = "") -> list[str]:
        """The x-sora-target of every API call the test made so far (ending with `suffix`)."""
        return [e.target for e in self._exchanges if e.target.endswith(suffix)]

    def expect_refused(self, target: str, body: Any, what: str, clause: str | None = None) -> Exchange:
        """A call the clause says must be refused: a 4xx. A 5xx is a server error, not a refusal; the error
        body shape is a should (API-ERROR-TYPE)."""
        answer = self.call(target, body)
        seen = {"status": answer.status, "body": answer.response}
        self.check(answer.status < 500, f"server error instead of a refusal of {what}", "a 4xx refusal", seen,
                   clause=clause)
        self.check(400 <= answer.status < 500, f"{what} was accepted", "a 4xx refusal", seen, clause=clause)
        body_ok = isinstance(answer.response, dict) and isinstance(answer.response.get("error_type"), str)
        self._checker.check("API-ERROR-TYPE", body_ok, f"refusal of {what} has no error_type",
                            "a JSON body carrying error_type", seen)
        return answer

    def expect_accepted(self, target: str, body: Any, what: str, clause: str | None = None) -> Exchange:
        answer = self.call(target, body)
        self.check(answer.ok, f"{what} was not accepted", "2xx", {"status": answer.status, "body": answer.response},
                   clause=clause)
        return answer

    def _step(self, what: str, call: Callable[[], Any]) -> Any:
        """An API call the test's scenario needs accepted: a refusal fails the test's clause, whose scenario the
        target did not let run (unreachable is still a HarnessError: could not judge)."""
        try:
            return call()
        except TargetError as exc:
            raise ClauseFailure(self.clause(), f"{what} was not accepted", "2xx",
                                {"status": exc.status, "body": exc.exchange.response}) from None

    def start_recording(self, channel: str, node: int = 0, **params: Any) -> Any:
        """`node`: the cluster node whose API is asked (0: the first, the only one unless a cluster)."""
        self._started.recording(START, channel)
        api = self._nodes[node]
        return self._step(f"StartRecording on a live session (API node {node})",
                          lambda: api.start_recording(channel, **params))

    def stop_recording(self, channel: str, node: int = 0) -> Any:
        api = self._nodes[node]
        return self._step(f"StopRecording of a running recording (API node {node})",
                          lambda: api.stop_recording(channel))

    def legacy_start_recording(self, channel: str, **params: Any) -> Any:
        self._started.recording(LEGACY_START, channel)
        return self._step("legacy StartRecording", lambda: self._api.legacy_start_recording(channel, **params))

    def legacy_stop_recording(self, channel: str) -> Any:
        return self._step("legacy StopRecording", lambda: self._api.legacy_stop_recording(channel))

    def _record_exchange(self, exchange: Exchange) -> None:
        self._exchanges.append(exchange)
        self.evidence(f"API {exchange.target} -> {exchange.status}", exchange.as_evidence())

    # --- webhooks ------------------------------------------------------------------------------
    def wait(self, kind: str, channel: str, *, endpoint: str | None = None, after: int = 0,
             timeout: float = WEBHOOK_TIMEOUT, match: Callable[[Captured], bool] | None = None,
             clause: str | None = None) -> Captured:
        about = self.clause(clause)
        with waiting(f"{kind} on channel {channel} [{about}]"):
            try:
                return self._capture.wait_for(kind, channel, clause=about, timeout=self.config.timeout(timeout),
                                              endpoint=endpoint, after=after, match=match)
            except AssertionError as exc:
                raise ClauseFailure(about, str(exc).split("] ", 1)[-1], f"{kind} within {timeout:.0f} s") from None

    def wait_session_destroyed(self, channel: str, session_id: str | None, clause: str | None = None) -> Captured:
        """Waits out the target's destroy delay (profile) for session.destroyed of that session."""
        return self.wait("session.destroyed", channel, endpoint="session", clause=clause,
                         timeout=self.profile.session_destroy_delay + WEBHOOK_TIMEOUT,
                         match=lambda r: session_id is None or r.data().get("session_id") == session_id)

    def nothing(self, kind: str, channel: str, *, within: float = 1.0, after: int = 0,
                match: Callable[[Captured], bool] | None = None) -> Captured | None:
        """Waits `within` seconds for a webhook that must not come; returns it if it came anyway."""
        return self._capture.none_within(kind, channel, within=self.config.timeout(within), after=after, match=match)

    def webhooks(self, channel: str) -> list[Captured]:
        """Every webhook of the channel captured so far, in arrival order."""
        return self._capture.for_channel(channel)

    def mark(self) -> int:
        """A point in the webhook log: later waits can ask for what came after it."""
        return self._capture.last_seq()

    def record_for(self, seconds: float) -> None:
        """Lets media flow into the recording for `seconds`: the length of the recorded interval is the
        scenario's input, not a wait for something to happen."""
        threading.Event().wait(seconds)  # sleep-ok: the recorded interval itself

    # --- checks -------------------------------------------------------------------------------------
    def check(self, condition: bool, title: str, expected: list[str] | str = "", actual: Any = None, *,
              clause: str | None = None) -> bool:
        return self._checker.check(self.clause(clause), condition, title, expected, actual)

    def check_value(self, payload: Any, key: str, expected: Any, title: str, *, clause: str | None = None) -> bool:
        """`payload[key]` must be `expected` (a missing key, or a payload that is not an object, is not)."""
        actual = payload.get(key) if isinstance(payload, dict) else payload
        return self.check(isinstance(payload, dict) and key in payload and actual == expected, title,
                          f"{key}: {expected!r}", actual, clause=clause)

    def check_absent(self, payload: Any, key: str, where: str, *, clause: str | None = None) -> bool:
        """`key` must not be in `payload` (a webhook's data, a file); what is not a JSON object does not pass."""
        if not self.check(isinstance(payload, dict), f"{where} is not a JSON object", "a JSON object", payload,
                          clause=clause):
            return False
        return self.check(key not in payload, f"{where} carries {key}", f"no {key} key", payload.get(key),
                          clause=clause)

    def check_contract(self, results: list[Any]) -> None:
        """Validator results (`contract.files.ItemResult`) as checks, each violation at its own clause's level;
        an item that could not be read at all breaks the test's clause."""
        for result in results:
            self.evidence(f"validated {result.where}", {"schema": result.schema, "error": result.error,
                                                        "violations": [v.as_dict() for v in result.violations]})
            for violation in result.violations:
                self._checker.check(violation.clause or self.clause(), False, f"{result.where}: {violation}")
            self.check(result.error is None, f"{result.where}: {result.error}")

    # --- cleanup --------------------------------------------------------------------------------------
    def cleanup(self) -> list[str]:
        """Closes every client and stops every recording this test may have started; returns what went wrong."""
        return self._started.cleanup()
