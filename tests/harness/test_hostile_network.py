"""The whole suite passes, serial, while a hostile peer keeps 200 trickling connections open on the webhook
port (re-opening each one the server closes), and no webhook arrives more than 10 s after it was sent."""
import json
import os
import socket
import subprocess
import sys

import pytest

from sora_conformance.paths import REPO_ROOT

from .hostile_peer import Slowloris

pytestmark = pytest.mark.slow
WORST_DELAY = 10.0  # s: what README promises for Sora's webhooks under such a peer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_suite_passes_while_a_peer_holds_200_trickling_connections_on_the_webhook_port(tmp_path):
    port = free_port()
    out = tmp_path / "latency.json"
    command = [sys.executable, "-m", "pytest", str(REPO_ROOT / "suites"), "-q", "-p", "no:cacheprovider",
               "--no-conformance-report", f"--webhook-listen=127.0.0.1:{port}", "-p", "tests.harness.webhook_latency"]
    with Slowloris(port, count=200, every=1.0, lasts=1500) as peer:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1500, cwd=REPO_ROOT,
                              env=os.environ | {"WEBHOOK_LATENCY_OUT": str(out)})
    assert done.returncode == 0, done.stdout[-3000:]
    figures = json.loads(out.read_text())
    assert figures["webhooks"] > 100 and figures["worst"] < WORST_DELAY, figures
    assert peer.opened > 200 and figures["connections_closed_to_make_room"] > 0  # the peer really was in the way
