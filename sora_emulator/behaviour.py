"""Where a server could get session recording wrong, and what Sora does there.

The app owns one `Behaviour` and reads it where it decides; a fault that changes a decision declares the
field it switches (sora_emulator/faults/). The defaults are Sora 2025.2's behaviour.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Behaviour:
    legacy_api: bool = False  # the Sora_20161101 recording API answers (sora.conf legacy_recording = true)
    legacy_needs_session: bool = False  # legacy StartRecording works on a channel without a session
    legacy_ends_with_session: bool = False  # legacy recordings outlive their session
    legacy_blocks_session_recording: bool = False
    recording_from_session_created: bool = True  # "recording": true in the session.created answer
    session_recording_needs_session: bool = True
    session_recording_ends_with_session: bool = True
    expiring_recording_ends_with_session: bool = True  # expire_time never keeps a recording past its session
    recording_carried_to_next_session: bool = False
    expiry_ends_recording: bool = True
    recording_block_honoured: bool = True  # "recording_block": true in the auth webhook answer
    session_id_reused: bool = False  # a channel's next session gets a new session_id
    session_ids_lower_case: bool = False  # Sora issues upper-case Base32 ids
    split_only_writes_single: bool = False
    archive_media_own: bool = True  # each archive holds its own connection's media
    blocked_media_excluded: bool = True  # a recording_block connection's media is in no archive
    recording_options_from_session_created: bool = True  # recording_expire_time, recording_split_*, ...
    archive_ends_when_connection_leaves: bool = True  # its files are finalised then, not at StopRecording
    blocked_connection_reported: bool = False  # a recording_block connection gets no archive.started, no entry
    format_honoured: bool = True  # StartRecording "format": "mp4" writes MP4
    dual_output_honoured: bool = True  # sora.conf recording_dual_output = true
    sessions_show_recording: bool = True  # GetSession / ListSessions show the running recording
    cluster_api_any_node: bool = True  # any cluster node's API acts on every session of the cluster
