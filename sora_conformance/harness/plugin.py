"""The harness's pytest plugin: options, fixtures, clause selection, verdicts. Logic lives in the modules."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..catalogue import UnknownClause, load_catalogue
from ..clients import ClientCrashed, ClientPool
from ..reporting import evidence
from .capture import CaptureServer
from .config import ConfigError, HarnessConfig, build_config
from .expectations import Expectations, load_expectations
from .hub import CaptureHub, register
from .profile import TargetProfile, load_profile
from .scenario import Scenario
from .target import SoraApi
from .targets import EMBEDDED_PROFILE, Targets
from .verdict import Checker, ClauseFailure, HarnessError, Verdict

CONFIG = pytest.StashKey[HarnessConfig]()
EXPECTATIONS = pytest.StashKey[Expectations]()
CHECKER = pytest.StashKey[Checker]()
SCENARIO = pytest.StashKey[Scenario]()
HUB = pytest.StashKey[CaptureHub]()
CALL_PASSED = pytest.StashKey[bool]()
HUB_KEY = "sora_capture_hub"


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("sora-conformance", "Sora recording conformance")
    g.addoption("--sora-api-url", help="target API URL (env TEST_API_URL); none: the embedded emulator")
    g.addoption("--sora-signaling-url", help="target signaling URL(s), comma-separated (env TEST_SIGNALING_URLS)")
    g.addoption("--channel-prefix", help="prefix of every channel the run uses (env TEST_CHANNEL_ID_PREFIX)")
    g.addoption("--webhook-listen", metavar="HOST:PORT", help="where the webhook capture server listens")
    g.addoption("--archive-dir", help="the target's archive_dir as mounted here (enables file checks)")
    g.addoption("--target-profile", metavar="FILE", help="what the target offers (fixtures/profiles/*.yaml)")
    g.addoption("--timeout-multiplier", type=float, default=1.0, help="scale every timeout")
    # --strict is pytest's own switch (strict markers, config...); the harness reads it too: with it, should /
    # info / inferred checks fail as well.
    g.addoption("--expectations", metavar="FILE", help="known failures of this target, with reasons")
    g.addoption("--forward-webhooks", metavar="URL",
                help="relay webhooks of other channels to this receiver ({endpoint} = session/event/auth)")
    g.addoption("--api-header", action="append", default=[], metavar="'Name: value'", help="extra API header")
    g.addoption("--emulator-fault", action="append", default=[], metavar="NAME", help="embedded emulator fault")
    g.addoption("--emulator-session-updated-interval", type=float, metavar="SECONDS",
                help="embedded emulator: seconds between session.updated webhooks (default 60, as Sora)")
    g.addoption("--clause", action="append", default=[], metavar="ID", help="run only the tests of these clauses")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clause(*ids): catalogue clause IDs a test checks")
    names = ("sora_api_url", "sora_signaling_url", "channel_prefix", "webhook_listen", "archive_dir",
             "target_profile", "timeout_multiplier", "strict", "expectations", "forward_webhooks", "api_header",
             "emulator_fault", "emulator_session_updated_interval", "clause")
    options = {name: config.getoption(name) for name in names}
    try:
        harness = build_config(options)
        config.stash[EXPECTATIONS] = load_expectations(harness.expectations_path)
        for clause in harness.clauses:
            load_catalogue().get(clause)
        if harness.emulator_faults:
            from sora_emulator.faults import Faults, UnknownFault
            try:
                Faults(harness.emulator_faults)
            except UnknownFault as exc:
                raise ConfigError(str(exc)) from None
    except (ConfigError, UnknownClause) as exc:
        raise pytest.UsageError(str(exc)) from None
    for _, value in harness.api_headers:
        evidence.register_secret(value)
    if harness.secret_key:
        evidence.register_secret(harness.secret_key)
    config.stash[CONFIG] = harness
    if _distributing(config) and harness.webhook_port != 0:
        # Workers cannot all bind the one address the target posts to: the controller owns it.
        try:
            config.stash[HUB] = CaptureHub(harness.webhook_host, harness.webhook_port, harness.forward_webhooks).start()
        except (OSError, SystemExit):
            pytest.exit(f"webhook capture hub cannot listen on {harness.webhook_host}:{harness.webhook_port}: "
                        "address already in use or not available", returncode=2)


def _distributing(config: pytest.Config) -> bool:
    """True in the xdist controller of a distributed run."""
    return not hasattr(config, "workerinput") and bool(getattr(config.option, "numprocesses", None)) \
        and getattr(config.option, "dist", "no") != "no"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    hub = node.config.stash.get(HUB, None)
    if hub is not None:
        node.workerinput[HUB_KEY] = hub.url


def pytest_unconfigure(config: pytest.Config) -> None:
    hub = config.stash.get(HUB, None)
    if hub is not None:
        hub.stop()


def clauses_of(item: pytest.Item) -> list[str]:
    return [c for mark in item.iter_markers("clause") for c in mark.args]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    catalogue = load_catalogue()
    for item in items:
        for clause in clauses_of(item):
            if clause not in catalogue:
                raise pytest.UsageError(f"{item.nodeid}: unknown clause {clause!r}")
    wanted = set(config.stash[CONFIG].clauses)
    if wanted:
        keep = [i for i in items if wanted & set(clauses_of(i))]
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


# --- session fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def harness_config(pytestconfig: pytest.Config) -> HarnessConfig:
    return pytestconfig.stash[CONFIG]


@pytest.fixture(scope="session")
def target_profile(harness_config: HarnessConfig) -> TargetProfile:
    if harness_config.profile_path is not None:
        profile = load_profile(harness_config.profile_path)
        if harness_config.embedded:  # the emulator's own capabilities always hold
            return EMBEDDED_PROFILE
        if harness_config.archive_dir is None and profile.archive_dir:
            return TargetProfile(**{**profile.__dict__, "archive_dir": False})
        return profile
    if harness_config.embedded:
        return EMBEDDED_PROFILE
    return TargetProfile(name="unprofiled-target", archive_dir=harness_config.archive_dir is not None)


@pytest.fixture(scope="session")
def capture(harness_config: HarnessConfig, pytestconfig: pytest.Config) -> Iterator[CaptureServer]:
    hub_url = getattr(pytestconfig, "workerinput", {}).get(HUB_KEY)
    port = 0 if hub_url else harness_config.webhook_port  # behind the hub, each worker takes any free port
    server = CaptureServer(harness_config.webhook_host, port, harness_config.run_prefix,
                           None if hub_url else harness_config.forward_webhooks)
    try:
        server.start()
    except (OSError, SystemExit) as exc:  # werkzeug exits (SystemExit) on a busy port instead of raising
        reason = getattr(exc, "strerror", None) or "address already in use or not available"
        pytest.exit(f"webhook capture server cannot listen on {harness_config.webhook_host}:"
                    f"{harness_config.webhook_port}: {reason}", returncode=2)
    if hub_url:
        register(hub_url, harness_config.run_prefix, f"http://127.0.0.1:{server.server.port}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def targets(harness_config: HarnessConfig, capture: CaptureServer, target_profile: TargetProfile,
            request: pytest.FixtureRequest) -> Iterator[Targets]:
    all_targets = Targets(harness_config, capture, target_profile)
    try:
        main = all_targets.main()
        SoraApi(main.api_url, dict(harness_config.api_headers), timeout=10).reachable()
    except HarnessError as exc:
        all_targets.stop()
        pytest.exit(f"sora-conformance: {exc}", returncode=2)
    yield all_targets
    leaks = leak_check(all_targets, capture, harness_config, target_profile)
    request.config.stash[LEAKS] = leaks
    all_targets.stop()


LEAKS = pytest.StashKey[list[str]]()


def leak_check(targets: Targets, capture: CaptureServer, config: HarnessConfig, profile: TargetProfile) -> list[str]:
    """Sessions of this run still alive once the destroy delay has passed are leaks."""
    leaks: list[str] = []
    for target in targets.started():
        api = SoraApi(target.api_url, dict(config.api_headers), timeout=10)
        try:
            sessions = api.list_sessions()
        except Exception as exc:
            leaks.append(f"{target.name}: ListSessions failed: {exc}")
            continue
        for session in sessions if isinstance(sessions, list) else []:
            channel = session.get("channel_id", "") if isinstance(session, dict) else ""
            if not channel.startswith(config.run_prefix):
                continue  # never touch what is not ours
            try:
                capture.wait_for("session.destroyed", channel, clause="REC-STOP-ON-DESTROY",
                                 timeout=config.timeout(profile.session_destroy_delay + 10))
            except AssertionError:
                leaks.append(f"{target.name}: session {session.get('session_id')} of {channel} is still alive")
    return leaks


@pytest.fixture(scope="session")
def client_pool(harness_config: HarnessConfig) -> Iterator[ClientPool]:
    pool = ClientPool(harness_config.timeout_multiplier)
    yield pool
    pool.close()


# --- per test ------------------------------------------------------------------------------------------
@pytest.fixture
def sora(request: pytest.FixtureRequest, harness_config: HarnessConfig, target_profile: TargetProfile,
         targets: Targets, capture: CaptureServer, client_pool: ClientPool) -> Iterator[Scenario]:
    clauses = [load_catalogue().get(c) for c in clauses_of(request.node)]
    legacy = any(c.capability == "legacy_recording" for c in clauses)
    target = targets.for_legacy() if legacy else targets.main()
    checker = Checker(strict=harness_config.strict)
    scenario = Scenario(harness_config, target_profile, target, capture, client_pool, checker, evidence.attach_json)
    request.node.stash[CHECKER] = checker
    request.node.stash[SCENARIO] = scenario
    try:
        yield scenario
    finally:
        problems = scenario.cleanup()
        if scenario.channels:
            evidence.parameter("channel", scenario.channels[0])
        session_ids = sorted({c.session_id for c in scenario.clients if c.session_id})
        if session_ids:
            evidence.parameter("session_ids", ", ".join(session_ids))
        for channel in scenario.channels:
            for record in capture.for_channel(channel):
                evidence.attach_json(f"webhook {record.type} ({record.endpoint})", record.as_evidence())
        for problem in problems:
            checker.warn("REC-STOP-ON-DESTROY", f"cleanup: {problem}")
    contract_violations(scenario, capture, checker)


def contract_violations(scenario: Scenario, capture: CaptureServer, checker: Checker) -> None:
    """Every webhook of the test's channels was validated on arrival: must-level violations fail the test."""
    failures = []
    for channel in scenario.channels:
        for record in capture.for_channel(channel):
            for v in record.violations:
                if v.fails(checker.strict):
                    failures.append((record, v))
                else:
                    checker.warn(v.clause or "WH-REC-REST-UNCHANGED", f"{record.type} {v}")
    if failures:
        record, v = failures[0]
        more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
        raise ClauseFailure(v.clause or "WH-REC-REST-UNCHANGED",
                            f"{record.type} on the {record.endpoint} webhook breaks the contract{more}",
                            f"a payload valid against {record.schema}", str(v))


def pytest_runtest_setup(item: pytest.Item) -> None:
    config = item.config.stash[CONFIG]
    profile_caps = None
    for clause_id in clauses_of(item):
        clause = load_catalogue().get(clause_id)
        if clause.capability is None:
            continue
        if profile_caps is None:
            profile = _profile_for(item.config, config)
            profile_caps = profile.capabilities() | ({"legacy_recording"} if config.embedded else set())
        if clause.capability not in profile_caps:
            pytest.skip(f"unsupported: {_profile_for(item.config, config).missing_reason(clause.capability)}")


def _profile_for(pyconfig: pytest.Config, config: HarnessConfig) -> TargetProfile:
    if config.embedded:
        return EMBEDDED_PROFILE
    if config.profile_path is not None:
        profile = load_profile(config.profile_path)
        if config.archive_dir is None and profile.archive_dir:
            return TargetProfile(**{**profile.__dict__, "archive_dir": False})
        return profile
    return TargetProfile(name="unprofiled-target", archive_dir=config.archive_dir is not None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome: Any = yield
    report: pytest.TestReport = outcome.get_result()
    if call.excinfo is not None and call.excinfo.errisinstance(ClientCrashed):
        report.longrepr = f"sora-sdk client crashed: {call.excinfo.value}"
    clauses = clauses_of(item)
    checker = item.stash.get(CHECKER, None)
    expectation = item.config.stash[EXPECTATIONS].lookup(item.nodeid, clauses)
    phase_to_judge = report.when == "call" or (report.when == "setup" and (report.failed or report.skipped)) \
        or (report.when == "teardown" and (report.failed or expectation is not None))
    if phase_to_judge:
        verdict = _verdict(report, checker)
        if expectation is not None and report.when != "setup":
            verdict = _apply_expectation(item, report, expectation, verdict)
        report.user_properties.append(("clauses", clauses))
        report.user_properties.append(("verdict", verdict.value))
        scenario = item.stash.get(SCENARIO, None)
        if scenario is not None:
            report.user_properties.append(("channel", scenario.channels[0] if scenario.channels else None))
            report.user_properties.append(("session_ids", sorted({c.session_id for c in scenario.clients
                                                                  if c.session_id})))
    if report.when == "teardown" and checker is not None:
        report.user_properties.append(("warnings", [w.as_dict() for w in checker.warnings]))


def _apply_expectation(item: pytest.Item, report: pytest.TestReport, expectation: Any, verdict: Verdict) -> Verdict:
    """A listed test that fails is a known failure; one that passes call *and* teardown (where the contract
    checks of its webhooks run) is stale, and fails the run."""
    if report.failed:
        report.outcome = "skipped"
        report.wasxfail = f"known failure: {expectation.describe()}"
        return Verdict.KNOWN_FAILURE
    if report.when == "call":
        item.stash[CALL_PASSED] = report.passed
        return verdict
    if item.stash.get(CALL_PASSED, False):
        report.outcome = "failed"
        report.longrepr = f"stale expectation: {expectation.describe()} - the test now passes; remove the entry"
        return Verdict.STALE_EXPECTATION
    return Verdict.KNOWN_FAILURE  # the call already failed as expected


def _verdict(report: pytest.TestReport, checker: Checker | None) -> Verdict:
    if report.skipped:  # the harness skips only for a capability the target profile lacks
        return Verdict.UNSUPPORTED
    if report.failed:
        return Verdict.ERROR if report.when == "setup" else Verdict.FAIL
    if checker is not None and checker.warnings:
        return Verdict.WARN
    return Verdict.PASS


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    leaks = session.config.stash.get(LEAKS, [])
    if not leaks:
        return
    report_dir = Path(session.config.getoption("report_dir", default="reports") or "reports")
    report_dir.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    (report_dir / f"leaks-{worker}.json").write_text(json.dumps(leaks, indent=2))
