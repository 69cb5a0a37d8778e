"""Target profiles: what a target offers, so a missing capability is 'unsupported', not 'failed'."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import HarnessConfig
from .yamlfile import load_checked_yaml


CAPABILITIES = ("legacy_recording", "legacy_removed", "archive_dir", "auth_webhook", "dual_output", "cluster")


@dataclass(frozen=True)
class TargetProfile:
    name: str
    legacy_recording: str = "removed"  # enabled | disabled | removed
    archive_dir: bool = False
    auth_webhook: bool = True
    session_destroy_delay: float = 5.0
    # Limits are configuration (sora.conf), not constants: 86400 is the documented default, Sora Cloud allows
    # expire_time up to 10800. Named like the sora.conf keys.
    recording_max_expire_time: int = 86400
    recording_max_split_duration: int = 86400
    dual_output: bool = False
    cluster: bool = False
    sora_version: str | None = None

    def capabilities(self) -> set[str]:
        caps = {"legacy_recording"} if self.legacy_recording == "enabled" else {"legacy_removed"}
        if self.archive_dir:
            caps.add("archive_dir")
        if self.auth_webhook:
            caps.add("auth_webhook")
        if self.dual_output:
            caps.add("dual_output")
        if self.cluster:
            caps.add("cluster")
        return caps

    def missing_reason(self, capability: str) -> str:
        return {
            "legacy_recording": f"target profile {self.name!r}: legacy recording is {self.legacy_recording}",
            "legacy_removed": f"target profile {self.name!r}: legacy recording is enabled",
            "archive_dir": f"target profile {self.name!r}: archive_dir is not readable here (--archive-dir)",
            "auth_webhook": f"target profile {self.name!r}: the auth webhook does not point at the harness",
            "dual_output": f"target profile {self.name!r}: recording_dual_output is not enabled",
            "cluster": f"target profile {self.name!r}: not a cluster, or fewer than two API URLs are given",
        }.get(capability, f"target profile {self.name!r} lacks {capability}")


def load_profile(path: Path) -> TargetProfile:
    data = load_checked_yaml(path, "target-profile.schema.json", "--target-profile")
    fields = {k: v for k, v in data.items() if k != "notes"}
    return TargetProfile(**fields)


# The embedded emulator behaves like Sora 2025.2 (legacy recording removed); a second instance with
# legacy recording enabled stands in for a 2023.2-2025.1 server for the side-by-side clauses.
EMBEDDED_PROFILE = TargetProfile(name="embedded-emulator", legacy_recording="removed", archive_dir=True,
                                 auth_webhook=True, session_destroy_delay=0.3, dual_output=True, cluster=True,
                                 sora_version="emulator")


def resolve_profile(config: HarnessConfig) -> TargetProfile:
    """The profile the run judges by, read once (a bad file is a usage error, raised as ConfigError).
    The embedded emulator's own capabilities always hold; archive_dir needs --archive-dir to be readable."""
    profile = load_profile(config.profile_path) if config.profile_path is not None else None
    if config.embedded:
        return EMBEDDED_PROFILE
    if profile is None:
        return TargetProfile(name="unprofiled-target", archive_dir=config.archive_dir is not None)
    if config.archive_dir is None and profile.archive_dir:
        profile = TargetProfile(**{**profile.__dict__, "archive_dir": False})
    if profile.cluster and len(config.api_urls) < 2:  # a cluster clause needs two nodes' APIs to judge
        profile = TargetProfile(**{**profile.__dict__, "cluster": False})
    return profile
