"""Fixtures and helpers shared by the harness tests."""
import json

import pytest

from sora_conformance.harness.capture import CaptureServer
from sora_conformance.harness.config import build_config
from sora_conformance.harness.profile import TargetProfile
from sora_conformance.harness.scenario import Scenario
from sora_conformance.harness.targets import Target
from sora_conformance.harness.verdict import Checker


def _scenario(api_url: str = "http://127.0.0.1:9/", clauses: tuple[str, ...] = ("REC-STOP-ON-DESTROY",)) -> Scenario:
    target = Target("fake", [api_url], ["ws://127.0.0.1:9/signaling"], None, legacy_recording=True)
    return Scenario(build_config({}, env={}), TargetProfile("fake"), target, CaptureServer(run_prefix="run"),
                    pool=None, checker=Checker(), evidence=lambda name, value: None, clauses=list(clauses))


@pytest.fixture
def capture():
    """A capture server for channels prefixed "run1", on a free loopback port."""
    server = CaptureServer(run_prefix="run1").start()
    yield server
    server.stop()


@pytest.fixture
def make_scenario():
    """A Scenario against a given API URL, with no capture server running and no clients (unit tests)."""
    return _scenario


def run_report(pytester) -> dict:
    """The conformance-report.json a pytester run wrote with `--report-dir out`."""
    return json.loads((pytester.path / "out" / "conformance-report.json").read_text())


def run_verdicts(pytester) -> dict[str, str]:
    """Each clause's verdict in that report."""
    return {c["id"]: c["verdict"] for c in run_report(pytester)["clauses"]}
