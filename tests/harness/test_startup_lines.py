"""Startup says which policy answers other channels' webhooks and, when the capture server listens beyond
loopback, what that exposes; the default listen address is loopback."""
import subprocess
import sys

import pytest

from sora_conformance.harness.config import build_config
from sora_conformance.harness.exposure import startup_lines

REMOTE = {"sora_api_url": "http://127.0.0.1:9/", "sora_signaling_url": "ws://127.0.0.1:9/signaling"}


def lines_for(distributed=False, **options):
    return startup_lines(build_config(REMOTE | options, env={}), distributed)


@pytest.mark.parametrize("listen", [None, ":8080", "127.0.0.1:8080", "localhost:0", "[::1]:0"])
def test_loopback_is_the_default_and_exposes_nothing(listen):
    config = build_config(REMOTE | {"webhook_listen": listen}, env={})
    assert listen is not None or config.webhook_host == "127.0.0.1"
    (policy,) = startup_lines(config, False)
    assert "are DENIED" in policy and f"outside {config.run_prefix}*" in policy


def test_a_public_address_gets_one_line_naming_what_is_exposed():
    policy, exposed = lines_for(webhook_listen="0.0.0.0:8080")
    assert "0.0.0.0:8080 (every interface)" in exposed
    assert "/webhook/session, /webhook/event, /webhook/auth" in exposed and "/hub/register" not in exposed
    _, exposed = lines_for(distributed=True, webhook_listen="10.1.2.3:8080")
    assert "10.1.2.3:8080;" in exposed and "/hub/register (refused without this run's token)" in exposed


def test_the_policy_line_names_the_relay_without_its_credentials():
    (policy,) = lines_for(forward_webhooks="http://ops:pw@backend.internal:9000/hooks/{endpoint}?key=k123")
    assert "relayed to http://backend.internal:9000/hooks/{endpoint}, whose answer" in policy
    assert "ops:pw@" not in policy and "k123" not in policy


def test_the_policy_line_says_when_other_channels_are_allowed():
    (policy,) = lines_for(allow_foreign_channels=True)
    assert "ALLOWED (--allow-foreign-channels)" in policy and "starts no recording" in policy


def test_the_embedded_emulator_on_loopback_prints_nothing():
    assert startup_lines(build_config({}, env={}), False) == []


def test_the_lines_are_printed_even_with_quiet(tmp_path):
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "test_nothing.py", "-p", "sora_conformance.pytest_plugin",
                           "-p", "no:cacheprovider", "--no-conformance-report", "--webhook-listen", "0.0.0.0:0"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    lines = [line for line in done.stdout.splitlines() if line.startswith("sora-conformance: ")]
    assert done.returncode == 0 and len(lines) == 2, done.stdout
    assert "are DENIED" in lines[0] and "0.0.0.0:<a free port> (every interface)" in lines[1]
