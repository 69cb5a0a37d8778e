"""The harness's command-line options, and their values as `config.build_config` reads them."""
from __future__ import annotations

from typing import Any

import pytest

NAMES = ("sora_api_url", "sora_signaling_url", "channel_prefix", "webhook_listen", "archive_dir", "target_profile",
         "timeout_multiplier", "strict", "expectations", "forward_webhooks", "api_header", "emulator_fault", "clause",
         "allow_foreign_channels", "webhook_max_body", "webhook_max_connections",
         "emulator_session_updated_interval", "hisui", "openh264")


def add_options(parser: pytest.Parser) -> None:
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
    g.addoption("--allow-foreign-channels", action="store_true",
                help="answer other channels' auth webhooks 'allowed' (default: denied unless --forward-webhooks)")
    g.addoption("--webhook-max-body", metavar="SIZE", help="larger webhook bodies get 413 (default 4MiB)")
    g.addoption("--webhook-max-connections", metavar="N",
                help="connections the webhook receiver serves at once (default 64); idle ones make room")
    g.addoption("--api-header", action="append", default=[], metavar="'Name: value'", help="extra API header")
    g.addoption("--emulator-fault", action="append", default=[], metavar="NAME", help="embedded emulator fault")
    g.addoption("--emulator-session-updated-interval", type=float, metavar="SECONDS",
                help="embedded emulator: seconds between session.updated webhooks (default 60, as Sora)")
    g.addoption("--hisui", metavar="PATH", help="the hisui binary (default: beside this Python, else on PATH)")
    g.addoption("--openh264", metavar="PATH", help="OpenH264 library hisui decodes H.264 with (default: Debian's)")
    g.addoption("--clause", action="append", default=[], metavar="ID", help="run only the tests of these clauses")


def option_values(config: pytest.Config) -> dict[str, Any]:
    """The option values by dest name (`strict` is pytest's own switch, read here too)."""
    return {name: config.getoption(name) for name in NAMES}
