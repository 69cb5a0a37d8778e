"""Changes to planned file writes, applied at the recorder's disk (sora_emulator/files.py)."""
from __future__ import annotations

import re
from dataclasses import replace

from ..files import FileChange, FileWrite

_SPLIT_PIECE = re.compile(r"split-archive-(?!end-).+_\d{4}\.json")


def _session_report(write: FileWrite) -> bool:
    return write.body is not None and write.path.name.startswith("report-") and "session_id" in write.body


def _in_session_report(change: FileChange) -> FileChange:
    return lambda write: change(write) if _session_report(write) else [write]


def _without(key: str) -> FileChange:
    def change(write: FileWrite) -> list[FileWrite]:
        assert write.body is not None
        return [replace(write, body={k: v for k, v in write.body.items() if k != key})]
    return change


def _with(key: str, value_from: str | None = None, default: object = None) -> FileChange:
    """Adds `key` (a copy of `value_from`'s value, or `default`) unless the body has it or lacks `value_from`."""
    def change(write: FileWrite) -> list[FileWrite]:
        body = write.body
        assert body is not None
        if key in body or (value_from is not None and value_from not in body):
            return [write]
        return [replace(write, body=body | {key: body[value_from] if value_from else default})]
    return change


def no_files(write: FileWrite) -> list[FileWrite]:
    return []


def media_cut_off_half_way(write: FileWrite) -> list[FileWrite]:
    return [replace(write, kept=0.5) if write.is_media else write]


def split_stop_offset_rounded_up(write: FileWrite) -> list[FileWrite]:
    """A split piece's stop_time_offset one second later: rounded up where the next piece's start rounds down."""
    body = write.body
    if body is None or not _SPLIT_PIECE.fullmatch(write.path.name) or not isinstance(body.get("stop_time_offset"), int):
        return [write]
    return [replace(write, body=body | {"stop_time_offset": body["stop_time_offset"] + 1})]


def archive_in_two_formats(write: FileWrite) -> list[FileWrite]:
    """The single archive's media also written as .mp4 beside the .webm."""
    if write.is_media and write.path.name.startswith("archive-"):
        return [write, replace(write, path=write.path.with_suffix(".mp4"))]
    return [write]


report_without_recording_id = _in_session_report(_without("recording_id"))
report_without_recording_metadata = _in_session_report(_without("recording_metadata"))
report_with_metadata_key = _in_session_report(_with("metadata", value_from="recording_metadata"))
report_expire_time_zero_when_unset = _in_session_report(_with("expire_time", default=0))
report_expired_at_when_unset = _in_session_report(_with("expired_at", default=0))
