"""What the suite runs against: the given Sora, or the embedded emulator started in-process."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .capture import CaptureServer
from .config import HarnessConfig
from .profile import TargetProfile
from .verdict import HarnessError


@dataclass
class Target:
    name: str
    api_urls: list[str]  # every node's API URL, the main node first (one unless a cluster); never empty
    signaling_urls: list[str]
    archive_dir: Path | None
    legacy_recording: bool
    emulator: object | None = None  # sora_emulator.Emulator when embedded

    def __post_init__(self) -> None:
        if not self.api_urls:
            raise HarnessError(f"target {self.name} has no API URL")


class Targets:
    """The main target, plus (embedded only) a legacy-enabled twin and a 3-node cluster, each started on first use."""

    def __init__(self, config: HarnessConfig, capture: CaptureServer, profile: TargetProfile) -> None:
        self.config = config
        self.capture = capture
        self.profile = profile
        self._main: Target | None = None
        self._legacy: Target | None = None
        self._cluster: Target | None = None
        self._tmp: Path | None = None

    def main(self) -> Target:
        if self._main is None:
            if self.config.embedded:
                self._main = self._start_emulator("embedded", legacy=False)
            else:
                self._main = Target("target", list(self.config.api_urls), list(self.config.signaling_urls),
                                    self.config.archive_dir, self.profile.legacy_recording == "enabled")
        return self._main

    def for_legacy(self) -> Target:
        """Where legacy-recording clauses run."""
        if not self.config.embedded:
            return self.main()
        if self._legacy is None:
            self._legacy = self._start_emulator("embedded-legacy", legacy=True)
        return self._legacy

    def for_cluster(self) -> Target:
        """Where cluster clauses run: the given target (all its API URLs), or a 3-node embedded emulator."""
        if not self.config.embedded:
            return self.main()
        if self._cluster is None:
            self._cluster = self._start_emulator("embedded-cluster", legacy=False, nodes=3)
        return self._cluster

    def for_capabilities(self, capabilities: set[str | None]) -> Target:
        """Where a test needing these capabilities runs: legacy recording on the legacy twin, a cluster on the
        cluster, anything else on the main target."""
        if "legacy_recording" in capabilities:
            return self.for_legacy()
        return self.for_cluster() if "cluster" in capabilities else self.main()

    def started(self) -> list[Target]:
        return [t for t in (self._main, self._legacy, self._cluster) if t is not None]

    def _start_emulator(self, name: str, legacy: bool, nodes: int = 1) -> Target:
        from sora_emulator import Emulator, EmulatorConfig, EmulatorStartError  # aiortc, PyAV: loaded when used

        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="sora-conformance-"))
        base = self._tmp / name
        interval = self.config.emulator_session_updated_interval
        if interval is None:
            interval = EmulatorConfig.session_updated_webhook_interval
        config = EmulatorConfig(
            host="127.0.0.1", api_port=0, signaling_port=0, archive_dir=base / "archive", log_dir=base / "log",
            session_webhook_url=self.capture.url("session"), event_webhook_url=self.capture.url("event"),
            auth_webhook_url=self.capture.url("auth"), legacy_recording=legacy,
            session_destroy_delay=self.profile.session_destroy_delay, faults=frozenset(self.config.emulator_faults),
            session_updated_webhook_interval=interval,
            recording_max_expire_time=self.profile.recording_max_expire_time,
            recording_max_split_duration=self.profile.recording_max_split_duration,
            recording_dual_output=self.profile.dual_output, cluster_nodes=nodes)
        try:
            emulator = Emulator(config).start()
        except EmulatorStartError as exc:
            raise HarnessError(str(exc)) from None
        return Target(name, emulator.api_urls, emulator.signaling_urls, config.archive_dir, legacy, emulator)

    def stop(self) -> None:
        for target in self.started():
            if target.emulator is not None:
                target.emulator.stop()  # type: ignore[attr-defined]
        self._main = self._legacy = self._cluster = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
