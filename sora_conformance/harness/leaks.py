"""The end-of-run leak check: sessions of this run still alive once the destroy delay has passed.

Leaks belong to one run only: a worker hands its list to the xdist controller through `workeroutput`
(never through files, which an earlier run could have left behind).
"""
from __future__ import annotations

from typing import Any

import pytest

from ..run_facts import leaks_of_run, record_leaks
from .capture import CaptureServer
from .captured import owns_channel
from .config import HarnessConfig
from .profile import TargetProfile
from .target import SoraApi
from .targets import Targets

WORKER_KEY = "sora_conformance_leaks"


def leak_check(targets: Targets, capture: CaptureServer, config: HarnessConfig, profile: TargetProfile) -> list[str]:
    leaks: list[str] = []
    for target in targets.started():
        api = SoraApi(target.api_urls[0], dict(config.api_headers), timeout=config.timeout(10))
        try:
            sessions = api.list_sessions()
        except Exception as exc:  # a leak check that cannot look is reported, never passed over
            leaks.append(f"{target.name}: ListSessions failed: {exc}")
            continue
        if not isinstance(sessions, list):
            leaks.append(f"{target.name}: ListSessions answered {type(sessions).__name__}, not a list")
            continue
        for session in sessions:
            channel = session.get("channel_id", "") if isinstance(session, dict) else ""
            if not isinstance(channel, str) or not owns_channel(config.run_prefix, channel):
                continue  # never touch what is not ours
            try:
                capture.wait_for("session.destroyed", channel, clause="REC-STOP-ON-DESTROY",
                                 timeout=config.timeout(profile.session_destroy_delay + 10))
            except AssertionError:
                leaks.append(f"{target.name}: session {session.get('session_id')} of {channel} is still alive")
    return leaks



def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput: dict[str, Any] | None = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKER_KEY] = leaks_of_run(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    record_leaks(node.config, list(getattr(node, "workeroutput", {}).get(WORKER_KEY, [])))

