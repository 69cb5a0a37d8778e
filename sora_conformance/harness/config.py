"""Harness settings: command-line options with environment fallbacks, as one frozen value.

The only reader of the target's TEST_* variables (sora-python-sdk's conventions); see docs/ARCHITECTURE.md
"Who reads the environment".
"""
from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .secret import REDACTED, Secret
from .webhook_server import DEFAULT_MAX_BODY, DEFAULT_MAX_CONNECTIONS


class ConfigError(ValueError):
    """A bad option or environment value: reported as one line, never a traceback."""


@dataclass(frozen=True)
class HarnessConfig:
    api_url: str | None  # None: start the embedded emulator
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
    api_urls: tuple[str, ...] = ()  # every node's API URL of a cluster (TEST_API_URL comma-separated); [0] is api_url

    @property
    def embedded(self) -> bool:
        return self.api_url is None

    @property
    def run_prefix(self) -> str:
        """Every channel this run touches starts with this; nothing else is ever touched."""
        return f"{self.channel_prefix}-{self.run_id}"

    def timeout(self, seconds: float) -> float:
        return seconds * self.timeout_multiplier

    def redacted_headers(self) -> dict[str, str]:
        return {name: REDACTED for name, _ in self.api_headers}


def without_credentials(url: str) -> str:
    """A URL as printed: no user:password, query or fragment (they may carry a token)."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<an unparsable URL>"
    host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname or ""
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else "<not a URL>"


def printed_target(config: HarnessConfig) -> dict[str, Any]:
    """The target as reports print it: URLs without credentials, header values redacted."""
    target: dict[str, Any] = {"description": "embedded emulator"}
    if not config.embedded:
        api_url = without_credentials(config.api_url or "")
        target = {"description": api_url, "api_url": api_url,
                  "signaling_urls": [without_credentials(u) for u in config.signaling_urls],
                  "api_headers": config.redacted_headers()}
    return target | {"channel_prefix": config.run_prefix, "faults": list(config.emulator_faults)}


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


def build_config(options: dict[str, Any], env: dict[str, str] | None = None) -> HarnessConfig:
    """`options` are the pytest option values by dest name; `env` defaults to os.environ."""
    env = dict(os.environ) if env is None else env
    api_given = options.get("sora_api_url") or env.get("TEST_API_URL") or ""
    api_urls = tuple(u.strip() for u in api_given.split(",") if u.strip())  # several: one per cluster node
    api_url = api_urls[0] if api_urls else None
    signaling = options.get("sora_signaling_url") or env.get("TEST_SIGNALING_URLS") or env.get("TEST_SIGNALING_URL")
    urls = tuple(u.strip() for u in (signaling or "").split(",") if u.strip())
    if api_url:
        for u in api_urls:
            _url(u, ("http", "https"), "--sora-api-url / TEST_API_URL")
        if not urls:
            raise ConfigError("--sora-signaling-url / TEST_SIGNALING_URLS is required with a target API URL")
    elif urls:
        raise ConfigError("--sora-api-url / TEST_API_URL is required with a target signaling URL")
    for u in urls:
        _url(u, ("ws", "wss"), "--sora-signaling-url / TEST_SIGNALING_URLS")
    prefix = options.get("channel_prefix") or env.get("TEST_CHANNEL_ID_PREFIX") or "conformance"
    if not re.fullmatch(r"[A-Za-z0-9_.:@-]{1,100}", prefix):
        raise ConfigError(f"channel prefix {prefix!r} must be 1-100 of A-Z a-z 0-9 _ . : @ -")
    host, port = _listen(options.get("webhook_listen") or "127.0.0.1:0")
    multiplier = options.get("timeout_multiplier")
    multiplier = 1.0 if multiplier is None else multiplier
    if not 0 < multiplier <= 100:
        raise ConfigError("--timeout-multiplier must be > 0 and <= 100")
    forward = options.get("forward_webhooks") or None
    if forward:
        _url(forward, ("http", "https"), "--forward-webhooks")
    faults = tuple(options.get("emulator_fault") or ())
    if faults and api_url:
        raise ConfigError("--emulator-fault applies to the embedded emulator only")
    interval = options.get("emulator_session_updated_interval")
    if interval is not None and (api_url or not 0 <= interval <= 3600):
        raise ConfigError("--emulator-session-updated-interval applies to the embedded emulator only, "
                          "from 0 (none) to 3600 seconds")
    return HarnessConfig(
        api_url=api_url, signaling_urls=urls, channel_prefix=prefix,
        run_id=options.get("run_id") or uuid.uuid4().hex[:8], webhook_host=host, webhook_port=port,
        archive_dir=_path(options.get("archive_dir"), "--archive-dir"),
        profile_path=_path(options.get("target_profile"), "--target-profile"),
        timeout_multiplier=float(multiplier), strict=bool(options.get("strict")),
        expectations_path=_path(options.get("expectations"), "--expectations"),
        forward_webhooks=forward, api_headers=tuple(_header(h) for h in options.get("api_header") or ()),
        secret_key=Secret(env["TEST_SECRET_KEY"]) if env.get("TEST_SECRET_KEY") else None, emulator_faults=faults,
        clauses=tuple(options.get("clause") or ()), allow_foreign_channels=bool(options.get("allow_foreign_channels")),
        webhook_max_body=_size(options.get("webhook_max_body")), emulator_session_updated_interval=interval,
        webhook_max_connections=_connections(options.get("webhook_max_connections")),
        api_urls=api_urls)
