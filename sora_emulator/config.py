"""Emulator settings, named after the sora.conf keys they mirror."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class EmulatorConfig:
    host: str = "127.0.0.1"
    api_port: int = 3000
    signaling_port: int = 5000
    session_webhook_url: str | None = None
    event_webhook_url: str | None = None
    auth_webhook_url: str | None = None
    archive_dir: Path = Path("archive")
    log_dir: Path | None = None  # default: <archive_dir>/../log
    legacy_recording: bool = False
    session_destroy_delay: float = 1.0
    recording_max_expire_time: int = 86400
    recording_max_split_duration: int = 86400
    recording_dual_output: bool = False  # with split_duration (and split_only false): single and split files
    webhook_timeout: float = 5.0
    session_updated_webhook_interval: float = 60.0  # seconds between session.updated (Sora: 60); 0: none
    api_read_timeout: float = 5.0  # an API request's head, then its body, must each arrive within this
    # /control/* answers only requests whose x-control-token header carries this; None: no control endpoint at all
    control_token: str | None = field(default=None, repr=False)
    ping_interval: float = 5.0
    faults: frozenset[str] = field(default_factory=frozenset)
    cluster_nodes: int = 1  # N nodes sharing one state: an API and a signaling port each (ports counted up)

    @property
    def webhook_log_dir(self) -> Path:
        return self.log_dir if self.log_dir is not None else self.archive_dir.parent / "log"


_TYPES = {f.name: f.type for f in dataclasses.fields(EmulatorConfig)}


def _convert(key: str, value: str) -> Any:
    kind = _TYPES[key]
    if kind == "bool":
        if value.lower() in ("true", "yes", "1", "on"):
            return True
        if value.lower() in ("false", "no", "0", "off"):
            return False
        raise ConfigError(f"{key}: expected true or false, got {value!r}")
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"{key}: expected an integer, got {value!r}") from None
    if kind == "float":
        try:
            return float(value)
        except ValueError:
            raise ConfigError(f"{key}: expected a number, got {value!r}") from None
    if kind == "Path" or kind == "Path | None":
        return Path(value)
    if kind == "frozenset[str]":
        return frozenset(v.strip() for v in value.split(",") if v.strip())
    return value


def parse_sora_conf(text: str, source: str = "config") -> dict[str, Any]:
    """`key = value` lines, `#` comments, like sora.conf. Unknown keys are errors, not silently ignored."""
    settings: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if "=" not in line:
            raise ConfigError(f"{source}:{number}: expected 'key = value'")
        key, value = (part.strip() for part in line.split("=", 1))
        if key not in _TYPES:
            raise ConfigError(f"{source}:{number}: unknown key {key!r}")
        try:
            settings[key] = _convert(key, value)
        except ConfigError as exc:
            raise ConfigError(f"{source}:{number}: {exc}") from None
    return settings
