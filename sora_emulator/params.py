"""Recording parameters and their rules (API_RECORDING, the migration page, legacy API docs).

Pure: the rules are data (`RecordingRules`, Sora's by default); a fault that relaxes or tightens one declares
the field it changes (sora_emulator/faults/), it never reaches in here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import InvalidParameter, MissingParameter

UNSET: Any = object()  # "the caller gave no metadata", distinct from any JSON value


@dataclass(frozen=True)
class RecordingParams:
    channel_id: str
    expire_time: int | None  # None: not given (session recording) / legacy 0 = no expiry
    split_only: bool
    split_duration: int | None
    metadata: Any  # UNSET when not given
    legacy: bool = False
    format: str = "webm"  # "mp4" from Sora 2024.2.0 (StartRecording "format", as devtools sends it)


@dataclass(frozen=True)
class RecordingRules:
    """What Sora accepts; the maxima are sora.conf's recording_max_expire_time / recording_max_split_duration."""

    max_expire_time: int = 86400
    max_split_duration: int = 86400
    min_expire_time: int = 1  # the migration page: only > 0
    min_split_duration: int = 1
    expire_time_required: bool = False  # by Sora_20231220.StartRecording (legacy demanded it)
    split_only_needs_duration: bool = True
    split_only_forbids_expire_time: bool = False  # legacy demanded expire_time 0 with split_only
    metadata_must_be_object: bool = True
    legacy_expire_time_required: bool = True


def _int_in(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameter(f"{name} must be an integer")
    if not low <= value <= high:
        raise InvalidParameter(f"{name} must be from {low} to {high}")
    return value


def channel_id_of(body: dict[str, Any]) -> str:
    channel_id = body.get("channel_id")
    if channel_id is None:
        raise MissingParameter("channel_id is required")
    if not isinstance(channel_id, str) or not channel_id or len(channel_id.encode()) > 255:
        raise InvalidParameter("channel_id must be a non-empty string of at most 255 bytes")
    return channel_id


def session_recording_params(body: dict[str, Any], rules: RecordingRules, *, prefix: str = "") -> RecordingParams:
    """Sora_20231220.StartRecording (prefix "") or the session.created answer (prefix "recording_")."""
    expire_time = body.get(prefix + "expire_time")
    if expire_time is not None:
        expire_time = _int_in(prefix + "expire_time", expire_time, rules.min_expire_time, rules.max_expire_time)
    elif rules.expire_time_required and not prefix:
        raise MissingParameter("expire_time is required")
    split_only = body.get(prefix + "split_only", False)
    if not isinstance(split_only, bool):
        raise InvalidParameter(f"{prefix}split_only must be a boolean")
    split_duration = body.get(prefix + "split_duration")
    if split_duration is not None:
        split_duration = _int_in(prefix + "split_duration", split_duration, rules.min_split_duration,
                                 rules.max_split_duration)
    if split_only and split_duration is None and rules.split_only_needs_duration:
        raise InvalidParameter(f"{prefix}split_only true requires {prefix}split_duration")
    if split_only and expire_time is not None and rules.split_only_forbids_expire_time:
        raise InvalidParameter(f"{prefix}split_only true requires expire_time 0")
    metadata = body.get("recording_metadata" if prefix else "metadata", UNSET)
    if metadata is not UNSET and not isinstance(metadata, dict) and rules.metadata_must_be_object:
        raise InvalidParameter(f"{'recording_metadata' if prefix else 'metadata'} must be a JSON object")
    channel_id = body.get("channel_id", "") if prefix else channel_id_of(body)
    media = body.get("format", "webm") if not prefix else "webm"
    if media not in ("webm", "mp4"):
        raise InvalidParameter('format must be "webm" or "mp4"')
    return RecordingParams(channel_id, expire_time, split_only, split_duration, metadata, format=media)


def legacy_recording_params(body: dict[str, Any], rules: RecordingRules) -> RecordingParams:
    """Sora_20161101.StartRecording: expire_time required, 0 = no expiry; split_only needs expire_time 0."""
    channel_id = channel_id_of(body)
    if "expire_time" not in body and rules.legacy_expire_time_required:
        raise MissingParameter("expire_time is required by the legacy API")
    expire_time = _int_in("expire_time", body.get("expire_time", 0), 0, rules.max_expire_time)
    split_only = body.get("split_only", False)
    if not isinstance(split_only, bool):
        raise InvalidParameter("split_only must be a boolean")
    split_duration = body.get("split_duration")
    if split_duration is not None:
        split_duration = _int_in("split_duration", split_duration, 1, rules.max_split_duration)
    if split_only and (split_duration is None or expire_time != 0):
        raise InvalidParameter("legacy split_only true requires split_duration and expire_time 0")
    metadata = body.get("metadata", UNSET)
    return RecordingParams(channel_id, expire_time, split_only, split_duration, metadata, legacy=True)
