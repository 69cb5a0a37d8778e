"""The decisions a server could get wrong about session recording, each owned by one policy, Sora's by default.

A policy is a small class whose methods decide (when a recording ends, whose media goes into an archive, ...);
the app builds one of each and the code that decides asks it. A fault that changes a decision replaces the whole
policy with a subclass overriding that one method (sora_emulator/faults/policy_changes.py): no switch is read
anywhere, and two faults cannot both replace one policy. Policies take sora.conf settings as their fields and
hold no other state.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .ids import new_id
from .params import RecordingParams, RecordingRules, session_recording_params
from .state import Connection, Recording


class SessionLifecycle:
    """When a channel's sessions and their recordings begin and end."""

    def session_id(self, previous: str | None) -> str:
        """A new session's id (`previous`: the channel's last session's): always a fresh upper-case Base32 id."""
        return new_id()

    def recording_asked(self, answer: dict[str, Any], channel_id: str, rules: RecordingRules) -> RecordingParams | None:
        """The recording a session.created answer starts: `"recording": true`, with its `recording_*` options."""
        if answer.get("recording") is not True:
            return None
        return session_recording_params(answer | {"channel_id": channel_id}, rules, prefix="recording_")

    def ends_with_session(self, recording: Recording) -> bool:
        """A session recording ends when its session is destroyed (even with an expire_time); a legacy one
        outlives it."""
        return not recording.legacy

    def carried_over(self, recording: Recording) -> bool:
        """Whether a recording that ended with its session starts again in the channel's next session: never."""
        return False

    def expiry(self, recording: Recording) -> float | None:
        """When the recording ends by itself: at its expire_time, if it has one."""
        return recording.expires_at


@dataclass(frozen=True)
class RecordingApi:
    """What starting and stopping a recording does beyond its parameter rules (params.RecordingRules), through
    the API or a session.created answer."""

    legacy_recording: bool = False  # sora.conf legacy_recording

    def legacy_enabled(self) -> bool:
        """Whether the Sora_20161101 recording API answers: as sora.conf says."""
        return self.legacy_recording

    def needs_session(self, params: RecordingParams) -> bool:
        """A session recording starts only in a live session; a legacy one starts on any channel."""
        return not params.legacy

    def conflict(self, params: RecordingParams, running: Iterable[Recording]) -> str | None:
        """Why a recording cannot start beside the running ones (other channels'), or None: it always can."""
        return None

    def recorded(self, params: RecordingParams) -> RecordingParams:
        """The recording as it starts: as asked, in the format asked."""
        return params

    def acts_on(self, node: str, session_nodes: set[str]) -> bool:
        """Whether a cluster node's API acts on a session whose connections are on `session_nodes`: any node's does."""
        return True


class ArchivePolicy:
    """Who is recorded into which archive, and when an archive ends."""

    def recording_blocked(self, auth_answer: dict[str, Any]) -> bool:
        """Whether the auth webhook's answer keeps the connection out of session recordings."""
        return auth_answer.get("recording_block") is True

    def reports_blocked(self, recording: Recording, connection: Connection) -> bool:
        """Whether a blocked connection still gets archive.started and a report entry (without files): no."""
        return False

    def sources(self, own: str, recorded: list[str], blocked: list[str]) -> list[str]:
        """The connections whose media goes into `own`'s archive (`recorded`: the connections with an open archive
        in the recording, in opening order; `blocked`: the session's recording_block connections): its own only."""
        return [own]

    def ends_when_connection_leaves(self, recording: Recording) -> bool:
        """Whether a connection's archive is finalised when it leaves, rather than when the recording stops: yes."""
        return True


@dataclass(frozen=True)
class ArchiveOutputs:
    """Which files a connection's archive leaves: the single archive, split pieces, or both."""

    recording_dual_output: bool = False  # sora.conf recording_dual_output

    def single(self, params: RecordingParams) -> bool:
        """archive-<connection_id>.*: for every recording but a split-only one."""
        return not params.split_only

    def split(self, params: RecordingParams) -> bool:
        """split-archive-<connection_id>_NNNN.*: given a split_duration, when split-only or with dual output."""
        return bool(params.split_duration) and (params.split_only or self.recording_dual_output)


POLICIES: tuple[type, ...] = (SessionLifecycle, RecordingApi, ArchivePolicy, ArchiveOutputs)
