"""The harness's pytest plugin: hooks and fixtures (options in options.py); the logic lives in the modules."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..catalogue import UnknownClause, load_catalogue
from ..clients import ClientPool
from .. import run_facts, scrub
from ..markers import clauses_of
from ..reporting import evidence
from . import judging, leaks, scrubbing
from .capture import CaptureServer
from .config import ConfigError, HarnessConfig, build_config, printed_target, webhook_base
from .expectations import load_expectations
from .exposure import startup_lines
from .hub import CaptureHub, register
from .options import add_options, option_values
from .items import CHECKER, CONFIG, EXPECTATIONS, PROFILE, SCENARIO, note
from .preflight import check_api, check_signaling
from .profile import CAPABILITIES, TargetProfile, resolve_profile
from .recipes import Sora
from .secret import assertion_lines
from .targets import Targets
from .verdict import Checker, HarnessError
from .webhook_contract import check_webhooks

HUB = pytest.StashKey[CaptureHub]()
HUB_KEY = "sora_capture_hub"
HUB_TOKEN_KEY = "sora_capture_hub_token"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clause(*ids): catalogue clause IDs a test checks")
    config.addinivalue_line("markers", "needs(*capabilities): target capabilities a test needs beyond its clauses'")
    try:
        harness = build_config(option_values(config))
        config.stash[PROFILE] = resolve_profile(harness)
        config.stash[EXPECTATIONS] = load_expectations(harness.expectations_path)
        _check_names(harness)
    except (ConfigError, UnknownClause) as exc:
        raise pytest.UsageError(str(exc)) from None
    _register_secrets(harness)
    config.stash[CONFIG] = harness
    config.stash[run_facts.TARGET] = printed_target(harness)
    config.stash[run_facts.PROFILE] = dict(config.stash[PROFILE].__dict__)
    config.pluginmanager.register(judging, "sora-conformance-judging")
    config.pluginmanager.register(leaks, "sora-conformance-leaks")
    config.pluginmanager.register(scrubbing, "sora-conformance-scrubbing")
    if _distributing(config) and harness.webhook_port != 0:
        config.stash[HUB] = _start_hub(harness)


def _check_names(harness: HarnessConfig) -> None:
    """Every --clause is in the catalogue and every --emulator-fault is a known fault (else a usage error)."""
    for clause in harness.clauses:
        load_catalogue().get(clause)
    if harness.emulator_faults:
        from sora_emulator.faults import UnknownFault, known  # the emulator loads only when a run embeds it
        try:
            known(harness.emulator_faults)
        except UnknownFault as exc:
            raise ConfigError(str(exc)) from None


def _register_secrets(harness: HarnessConfig) -> None:
    for _, value in harness.api_headers:
        scrub.register(value)
    if harness.secret_key:
        scrub.register(harness.secret_key)  # and the JWTs made with it: `scrub` knows a JWT when it sees one


def _start_hub(harness: HarnessConfig) -> CaptureHub:
    """Workers cannot all bind the one address the target posts to: the controller owns it."""
    try:
        return CaptureHub.listening_as(harness).start()
    except OSError:
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
        node.workerinput[HUB_TOKEN_KEY] = hub.token


@pytest.hookimpl(wrapper=True)
def pytest_sessionstart(session: pytest.Session) -> Iterator[None]:
    """Who else the webhook receiver answers, and how: printed once (by the controller), even with -q."""
    yield  # after pytest's header
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not hasattr(session.config, "workerinput"):
        for line in startup_lines(session.config.stash[CONFIG], _distributing(session.config)):
            reporter.write_line(line)


def pytest_assertrepr_compare(op: str, left: Any, right: Any) -> list[str] | None:
    return assertion_lines(op, left, right)  # a failed comparison with a secret never diffs its characters


def pytest_unconfigure(config: pytest.Config) -> None:
    hub = config.stash.get(HUB, None)
    if hub is not None:
        hub.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    catalogue = load_catalogue()
    for item in items:
        for clause in clauses_of(item):
            if clause not in catalogue:
                raise pytest.UsageError(f"{item.nodeid}: unknown clause {clause!r}")
        for mark in item.iter_markers("needs"):
            unknown = [name for name in mark.args if name not in CAPABILITIES]
            if unknown:
                raise pytest.UsageError(f"{item.nodeid}: unknown capability {unknown[0]!r} in needs()")
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
def target_profile(pytestconfig: pytest.Config) -> TargetProfile:
    return pytestconfig.stash[PROFILE]


@pytest.fixture(scope="session")
def capture(harness_config: HarnessConfig, pytestconfig: pytest.Config) -> Iterator[CaptureServer]:
    workerinput = getattr(pytestconfig, "workerinput", {})
    hub_url = workerinput.get(HUB_KEY)
    # behind the hub, each worker takes any free loopback port: only the hub is reachable from the target
    host, port = ("127.0.0.1", 0) if hub_url else (harness_config.webhook_host, harness_config.webhook_port)
    server = CaptureServer(host, port, harness_config.run_prefix, None if hub_url else harness_config.forward_webhooks,
                           harness_config.allow_foreign_channels, harness_config.webhook_max_body,
                           harness_config.webhook_max_connections)
    try:
        server.start()
    except OSError as exc:
        reason = exc.strerror or "address already in use or not available"
        pytest.exit(f"webhook capture server cannot listen on {harness_config.webhook_host}:"
                    f"{harness_config.webhook_port}: {reason}", returncode=2)
    if not harness_config.webhook_port:  # the free port taken, for the reports' remedies
        pytestconfig.stash[run_facts.TARGET]["webhooks"] = webhook_base(harness_config.webhook_host, server.port)
    if hub_url:
        try:
            register(hub_url, workerinput.get(HUB_TOKEN_KEY, ""), harness_config.run_prefix, server.url_for(""))
        except HarnessError as exc:
            server.stop()
            pytest.exit(f"sora-conformance: {exc}", returncode=2)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def targets(harness_config: HarnessConfig, capture: CaptureServer, target_profile: TargetProfile,
            request: pytest.FixtureRequest) -> Iterator[Targets]:
    all_targets = Targets(harness_config, capture, target_profile)
    try:
        main = all_targets.main()
        for url in main.api_urls:
            check_api(url, dict(harness_config.api_headers), harness_config.timeout(10))
        check_signaling(main.signaling_urls, harness_config.timeout(10))
    except HarnessError as exc:
        all_targets.stop()
        pytest.exit(scrub.scrub_text(f"sora-conformance: {exc}"), returncode=2)  # it may quote the target
    yield all_targets
    run_facts.record_leaks(request.config, leaks.leak_check(all_targets, capture, harness_config, target_profile))
    all_targets.stop()


@pytest.fixture(scope="session")
def client_pool(harness_config: HarnessConfig) -> Iterator[ClientPool]:
    pool = ClientPool(harness_config.timeout_multiplier)
    yield pool
    pool.close()


# --- per test ------------------------------------------------------------------------------------------
@pytest.fixture
def sora(request: pytest.FixtureRequest, harness_config: HarnessConfig, target_profile: TargetProfile,
         targets: Targets, capture: CaptureServer, client_pool: ClientPool) -> Iterator[Sora]:
    ids = clauses_of(request.node)
    target = targets.for_capabilities({load_catalogue().get(c).capability for c in ids})
    checker = Checker(strict=harness_config.strict)
    scenario = Sora(harness_config, target_profile, target, capture, client_pool, checker, evidence.attach_json,
                        clauses=ids)
    request.node.stash[CHECKER] = checker
    request.node.stash[SCENARIO] = scenario
    try:
        yield scenario
    finally:
        problems = scenario.cleanup()
        if scenario.channels:
            evidence.parameter("channel", scenario.channels[0])
        session_ids = scenario.session_ids
        if session_ids:
            evidence.parameter("session_ids", ", ".join(session_ids))
        for channel in scenario.channels:
            for record in capture.for_channel(channel):
                evidence.attach_json(f"webhook {record.type} ({record.endpoint})", record.as_evidence())
        for problem in problems:
            note(request.node, f"cleanup: {problem}")
    check_webhooks([record for channel in scenario.channels for record in capture.for_channel(channel)], checker,
                   lambda text: note(request.node, text))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test whose clause, or whose own `@pytest.mark.needs(...)`, asks for a capability the target profile
    lacks is unsupported: skipped, never failed."""
    profile = item.config.stash[PROFILE]
    capabilities = profile.capabilities() | ({"legacy_recording"} if item.config.stash[CONFIG].embedded else set())
    needed = [load_catalogue().get(c).capability for c in clauses_of(item)]
    needed += [name for mark in item.iter_markers("needs") for name in mark.args]
    for capability in needed:
        if capability is not None and capability not in capabilities:
            pytest.skip(f"unsupported: {profile.missing_reason(capability)}")
