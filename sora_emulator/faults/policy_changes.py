"""Policies that decide one thing the way a broken server would: each replaces Sora's policy whole
(sora_emulator/policies.py) and overrides only the decision its fault breaks."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ..params import UNSET, RecordingParams, RecordingRules
from ..policies import ArchiveOutputs, ArchivePolicy, RecordingApi, SessionLifecycle
from ..state import Connection, Recording


# --- SessionLifecycle ---------------------------------------------------------------------------------
class SessionIdReused(SessionLifecycle):
    def session_id(self, previous: str | None) -> str:
        return previous or super().session_id(previous)


class SessionIdLowerCase(SessionLifecycle):
    def session_id(self, previous: str | None) -> str:
        return super().session_id(previous).lower()


class CreatedRecordingIgnored(SessionLifecycle):
    def recording_asked(self, answer: dict[str, Any], channel_id: str, rules: RecordingRules) -> RecordingParams | None:
        return None


class CreatedOptionsIgnored(SessionLifecycle):
    """The recording starts with no expire_time, no split and no metadata, whatever the answer's options say."""

    def recording_asked(self, answer: dict[str, Any], channel_id: str, rules: RecordingRules) -> RecordingParams | None:
        asked = super().recording_asked(answer, channel_id, rules)
        return None if asked is None else RecordingParams(channel_id, None, False, None, UNSET)


class RecordingSurvivesDestroy(SessionLifecycle):
    def ends_with_session(self, recording: Recording) -> bool:
        return False


class ExpiringRecordingSurvivesDestroy(SessionLifecycle):
    def ends_with_session(self, recording: Recording) -> bool:
        return super().ends_with_session(recording) and recording.expires_at is None


class LegacyRecordingEndsWithSession(SessionLifecycle):
    def ends_with_session(self, recording: Recording) -> bool:
        return True


class RecordingCarriedOver(SessionLifecycle):
    def carried_over(self, recording: Recording) -> bool:
        return not recording.legacy


class ExpiryIgnored(SessionLifecycle):
    def expiry(self, recording: Recording) -> float | None:
        return None


# --- RecordingApi -------------------------------------------------------------------------------------
class LegacyApiOn(RecordingApi):
    def legacy_enabled(self) -> bool:
        return True


class LegacyApiOff(RecordingApi):
    def legacy_enabled(self) -> bool:
        return False


class StartWithoutSession(RecordingApi):
    def needs_session(self, params: RecordingParams) -> bool:
        return False


class LegacyStartNeedsSession(RecordingApi):
    def needs_session(self, params: RecordingParams) -> bool:
        return True


class LegacyBlocksSessionRecording(RecordingApi):
    def conflict(self, params: RecordingParams, running: Iterable[Recording]) -> str | None:
        if not params.legacy and any(recording.legacy for recording in running):
            return "a legacy recording is running"
        return None


class FormatIgnored(RecordingApi):
    def recorded(self, params: RecordingParams) -> RecordingParams:
        return replace(params, format="webm")


class ClusterApiLocalOnly(RecordingApi):
    def acts_on(self, node: str, session_nodes: set[str]) -> bool:
        return node in session_nodes


# --- ArchivePolicy ------------------------------------------------------------------------------------
class RecordingBlockIgnored(ArchivePolicy):
    def recording_blocked(self, auth_answer: dict[str, Any]) -> bool:
        return False


class BlockedConnectionReported(ArchivePolicy):
    def reports_blocked(self, recording: Recording, connection: Connection) -> bool:
        return not recording.legacy


class MediaSwapped(ArchivePolicy):
    """Each archive records the connection whose archive opened before it (the first, the last one's): two
    connections' media in each other's files."""

    def sources(self, own: str, recorded: list[str], blocked: list[str]) -> list[str]:
        return [recorded[recorded.index(own) - 1]] if len(recorded) > 1 else [own]


class BlockedMediaMixed(ArchivePolicy):
    def sources(self, own: str, recorded: list[str], blocked: list[str]) -> list[str]:
        return [own, *blocked]


class ArchiveEndsAtStop(ArchivePolicy):
    def ends_when_connection_leaves(self, recording: Recording) -> bool:
        return False


# --- ArchiveOutputs -----------------------------------------------------------------------------------
class SplitOnlyWritesSingle(ArchiveOutputs):
    def single(self, params: RecordingParams) -> bool:
        return True


class DualOutputIgnored(ArchiveOutputs):
    def split(self, params: RecordingParams) -> bool:
        return bool(params.split_duration) and params.split_only
