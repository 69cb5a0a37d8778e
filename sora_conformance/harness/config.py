"""Harness settings: command-line options with environment fallbacks, as one frozen value.

The only reader of the target's TEST_* variables (sora-python-sdk's conventions); see docs/ARCHITECTURE.md
"Who reads the environment".
"""
from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..scrub import without_credentials
from .secret import REDACTED, Secret
from .webhook_server import DEFAULT_MAX_BODY, DEFAULT_MAX_CONNECTIONS


class ConfigError(ValueError):
    """A bad option or environment value: reported as one line, never a traceback."""


@dataclass(frozen=True)
class HarnessConfig:
    api_urls: tuple[str, ...]  # every node's API URL (TEST_API_URL comma-separated), the main one first; none: embedded
    signaling_urls: tuple[str, ...]
    channel_prefix: str
    run_id: str
    webhook_host: str
    webhook_port: int  # 0: ephemeral
    archive_dir: Path | None
    profile_path: Path | None
    timeout_multiplier: float
    strict: bool
    expectations_path: Path | None
    forward_webhooks: str | None
    api_headers: tuple[tuple[str, Secret], ...]  # Secret: its repr is REDACTED wherever the config is printed
    secret_key: Secret | None
    emulator_faults: tuple[str, ...]
    clauses: tuple[str, ...]
    emulator_session_updated_interval: float | None = None  # None: the emulator's default (60 s, as Sora)
    allow_foreign_channels: bool = False  # answer other channels' auth webhooks "allowed" (default: denied)
    webhook_max_body: int = DEFAULT_MAX_BODY
    webhook_max_connections: int = DEFAULT_MAX_CONNECTIONS
    hisui_path: Path | None = None  # None: the hisui beside this Python, else on PATH (FILES-COMPOSE)
    openh264_path: Path | None = None  # None: Debian's libopenh264, if installed

    @property
    def embedded(self) -> bool:
        return not self.api_urls

    @property
    def run_prefix(self) -> str:
        """Every channel this run touches starts with this; nothing else is ever touched."""
        return f"{self.channel_prefix}-{self.run_id}"

    def timeout(self, seconds: float) -> float:
        return seconds * self.timeout_multiplier

    def redacted_headers(self) -> dict[str, str]:
        return {name: REDACTED for name, _ in self.api_headers}


def printed_target(config: HarnessConfig) -> dict[str, Any]:
    """The target as reports print it: URLs without credentials, header values redacted."""
    target: dict[str, Any] = {"description": "embedded emulator"}
    if not config.embedded:
        api_url = without_credentials(config.api_urls[0])
        target = {"description": api_url, "api_url": api_url,
                  "signaling_urls": [without_credentials(u) for u in config.signaling_urls],
                  "api_headers": config.redacted_headers()}
    return target | {"channel_prefix": config.run_prefix, "faults": list(config.emulator_faults),
                     "webhooks": webhook_base(config.webhook_host, config.webhook_port)}


def webhook_base(host: str, port: int) -> str:
    """Where the target's webhooks go, as given by --webhook-listen (the paths session / event / auth follow)."""
    return f"http://{f'[{host}]' if ':' in host else host}:{port or '<a free port>'}/webhook/"


def _url(value: str, schemes: tuple[str, ...], what: str) -> str:
    try:
        parts = urlsplit(value)
        valid = parts.scheme in schemes and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:
        valid = False
    if not valid:
        raise ConfigError(f"{what} must be a {' or '.join(schemes)} URL, got {without_credentials(value)!r}")
    return value


def _listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"--webhook-listen must be HOST:PORT, got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def _header(value: str) -> tuple[str, Secret]:
    name, sep, content = value.partition(":")
    if not sep or not re.fullmatch(r"[A-Za-z0-9-]+", name.strip()):  # never echo the value: it may be a token
        raise ConfigError("--api-header must be 'Name: value' (a header name, a colon, then the value)")
    return name.strip(), Secret(content.strip())


SIZE_UNITS = {"": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2}


def _size(value: str | int | None) -> int:
    if value is None or value == "":
        return DEFAULT_MAX_BODY
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", str(value))
    unit = match.group(2).lower() if match else ""
    if not match or unit not in SIZE_UNITS or not 1024 <= int(match.group(1)) * SIZE_UNITS[unit] <= 1024**3:
        raise ConfigError(f"--webhook-max-body must be a size from 1KiB to 1GiB such as 4MiB, got {value!r}")
    return int(match.group(1)) * SIZE_UNITS[unit]


def _connections(value: str | int | None) -> int:
    if value is None or value == "":
        return DEFAULT_MAX_CONNECTIONS
    if not str(value).strip().isdigit() or not 1 <= int(value) <= 4096:
        raise ConfigError(f"--webhook-max-connections must be a number from 1 to 4096, got {value!r}")
    return int(value)


def _path(value: str | None, what: str, must_exist: bool = True) -> Path | None:
    if not value:
        return None
    path = Path(value)
    if must_exist and not path.exists():
        raise ConfigError(f"{what} {value!r} does not exist")
    return path


@dataclass(frozen=True)
class Given:
    """What the run was given: option values by dest name, then the environment as their fallback."""

    options: dict[str, Any]
    env: dict[str, str]

    def first(self, option: str, *env_names: str) -> Any:
        """The option's value when given, else the first environment variable set, else None."""
        value = self.options.get(option)
        if value not in (None, "", [], ()):
            return value
        return next((self.env[name] for name in env_names if self.env.get(name)), None)


def _urls(value: str | None, schemes: tuple[str, ...], what: str) -> tuple[str, ...]:
    return tuple(_url(u.strip(), schemes, what) for u in (value or "").split(",") if u.strip())


def _prefix(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.:@-]{1,100}", value):
        raise ConfigError(f"channel prefix {value!r} must be 1-100 of A-Z a-z 0-9 _ . : @ -")
    return value


def _multiplier(value: float | None) -> float:
    multiplier = 1.0 if value is None else float(value)
    if not 0 < multiplier <= 100:
        raise ConfigError("--timeout-multiplier must be > 0 and <= 100")
    return multiplier


def _forward(value: str | None) -> str | None:
    return _url(value, ("http", "https"), "--forward-webhooks") if value else None


def _interval(value: float | None) -> float | None:
    if value is not None and not 0 <= value <= 3600:
        raise ConfigError("--emulator-session-updated-interval must be from 0 (none) to 3600 seconds")
    return value


# One row per HarnessConfig field (or fields): where its value comes from and how it is checked.
RULES: tuple[tuple[str | tuple[str, ...], Callable[[Given], Any]], ...] = (
    ("api_urls", lambda g: _urls(g.first("sora_api_url", "TEST_API_URL"), ("http", "https"),
                                 "--sora-api-url / TEST_API_URL")),
    ("signaling_urls", lambda g: _urls(g.first("sora_signaling_url", "TEST_SIGNALING_URLS", "TEST_SIGNALING_URL"),
                                       ("ws", "wss"), "--sora-signaling-url / TEST_SIGNALING_URLS")),
    ("channel_prefix", lambda g: _prefix(g.first("channel_prefix", "TEST_CHANNEL_ID_PREFIX") or "conformance")),
    ("run_id", lambda g: g.first("run_id") or uuid.uuid4().hex[:8]),
    (("webhook_host", "webhook_port"), lambda g: _listen(g.first("webhook_listen") or "127.0.0.1:0")),
    ("archive_dir", lambda g: _path(g.first("archive_dir"), "--archive-dir")),
    ("profile_path", lambda g: _path(g.first("target_profile"), "--target-profile")),
    ("timeout_multiplier", lambda g: _multiplier(g.options.get("timeout_multiplier"))),
    ("strict", lambda g: bool(g.first("strict"))),
    ("expectations_path", lambda g: _path(g.first("expectations"), "--expectations")),
    ("forward_webhooks", lambda g: _forward(g.first("forward_webhooks"))),
    ("api_headers", lambda g: tuple(_header(h) for h in g.first("api_header") or ())),
    ("secret_key", lambda g: Secret(g.env["TEST_SECRET_KEY"]) if g.env.get("TEST_SECRET_KEY") else None),
    ("emulator_faults", lambda g: tuple(g.first("emulator_fault") or ())),
    ("clauses", lambda g: tuple(g.first("clause") or ())),
    ("emulator_session_updated_interval", lambda g: _interval(g.first("emulator_session_updated_interval"))),
    ("allow_foreign_channels", lambda g: bool(g.first("allow_foreign_channels"))),
    ("webhook_max_body", lambda g: _size(g.first("webhook_max_body"))),
    ("webhook_max_connections", lambda g: _connections(g.first("webhook_max_connections"))),
    ("hisui_path", lambda g: _path(g.first("hisui"), "--hisui")),
    ("openh264_path", lambda g: _path(g.first("openh264"), "--openh264")),
)

# Options that only make sense together, checked on the built config: (broken when, what to say).
TOGETHER: tuple[tuple[Callable[[HarnessConfig], bool], str], ...] = (
    (lambda c: bool(c.api_urls) and not c.signaling_urls,
     "--sora-signaling-url / TEST_SIGNALING_URLS is required with a target API URL"),
    (lambda c: bool(c.signaling_urls) and not c.api_urls,
     "--sora-api-url / TEST_API_URL is required with a target signaling URL"),
    (lambda c: bool(c.emulator_faults) and not c.embedded, "--emulator-fault applies to the embedded emulator only"),
    (lambda c: c.emulator_session_updated_interval is not None and not c.embedded,
     "--emulator-session-updated-interval applies to the embedded emulator only"),
)


def build_config(options: dict[str, Any], env: dict[str, str] | None = None) -> HarnessConfig:
    """`options` are the pytest option values by dest name; `env` defaults to os.environ."""
    given = Given(options, dict(os.environ) if env is None else env)
    values: dict[str, Any] = {}
    for names, read in RULES:
        value = read(given)
        values |= dict(zip(names, value, strict=True)) if isinstance(names, tuple) else {names: value}
    config = HarnessConfig(**values)
    for broken, message in TOGETHER:
        if broken(config):
            raise ConfigError(message)
    return config
