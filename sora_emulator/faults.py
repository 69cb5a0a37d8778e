"""Named faults: each breaks exactly one clause the way a real server bug would.

The suite proves itself by failing against each of them (tests/suites/test_mutation_matrix.py).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    name: str
    clause: str
    description: str


_CATALOGUE = [
    Fault("start-without-session", "REC-START-NO-SESSION",
          "Sora_20231220.StartRecording on a channel without a session is accepted and reports a recording"),
    Fault("refusal-as-server-error", "REC-START-NO-SESSION",
          "every refusal is answered 500 (a server error) instead of a 4xx"),
    Fault("ignore-session-created-recording", "REC-START-ON-CREATE",
          '"recording": true in the session.created answer is ignored'),
    Fault("recording-survives-destroy", "REC-STOP-ON-DESTROY",
          "the session recording keeps running after its session is destroyed"),
    Fault("recording-spans-sessions", "REC-NO-CROSS-SESSION",
          "a recording left running when the session ends is carried into the channel's next session"),
    Fault("expire-outlives-destroy", "EXPIRE-BEFORE-DESTROY",
          "a recording with expire_time keeps running after the session is destroyed, until it expires"),
    Fault("expire-zero-accepted", "EXPIRE-POSITIVE", "expire_time 0 is accepted"),
    Fault("expire-over-max-accepted", "EXPIRE-RANGE", "expire_time above recording_max_expire_time is accepted"),
    Fault("expire-required", "EXPIRE-OPTIONAL", "StartRecording without expire_time is refused, as legacy did"),
    Fault("expire-time-zero-when-unset", "EXPIRE-ABSENT-WHEN-UNSET",
          "expire_time 0 is written into webhooks and the report when none was given (legacy behaviour)"),
    Fault("expired-at-when-unset", "EXPIRED-AT-ABSENT-WHEN-UNSET",
          "expired_at is written into webhooks and the report when no expire_time was given"),
    Fault("expire-ignored", "EXPIRE-ENDS-RECORDING", "expire_time is accepted but the recording never expires"),
    Fault("split-only-needs-expire-zero", "EXPIRE-WITH-SPLIT-ONLY",
          "split_only with an expire_time is refused, as legacy demanded expire_time 0"),
    Fault("split-only-without-duration", "SPLIT-ONLY-NEEDS-DURATION", "split_only true without split_duration is accepted"),
    Fault("split-duration-zero-accepted", "SPLIT-DURATION-RANGE", "split_duration 0 is accepted"),
    Fault("split-only-writes-single", "OUT-SPLIT-ONLY", "split_only recordings also write the single archive file"),
    Fault("archive-in-two-formats", "OUT-SINGLE",
          "each connection's single archive is written twice, as .webm and .mp4"),
    Fault("metadata-not-object-accepted", "META-OBJECT", "a non-object metadata is accepted"),
    Fault("channel-id-optional", "API-START-CHANNEL", "StartRecording without channel_id is not refused"),
    Fault("recording-webhook-on-event", "WH-REC-SESSION-WEBHOOK",
          "session recording.started / recording.report are sent on the event webhook"),
    Fault("no-session-id-in-recording-webhook", "WH-REC-SESSION-ID", "session recording webhooks lack session_id"),
    Fault("drop-session-metadata", "WH-REC-SESSION-METADATA", "session recording webhooks lack session_metadata"),
    Fault("drop-recording-metadata", "WH-REC-RECORDING-METADATA",
          "recording webhooks drop the recording metadata that was given"),
    Fault("legacy-metadata-key", "WH-REC-NO-METADATA",
          "session recording webhooks carry the recording metadata under the legacy key metadata"),
    Fault("log-written-leak", "WH-REC-NO-LOG-WRITTEN", "session recording webhooks carry log_written"),
    Fault("archive-webhook-on-session", "WH-ARCHIVE-UNCHANGED", "archive.* webhooks are sent on the session webhook"),
    Fault("recording-webhook-without-id", "ID-WEBHOOK", "session recording webhooks are sent without their request id"),
    Fault("report-file-without-recording-id", "ID-FILES", "report-<recording_id>.json leaves out recording_id"),
    Fault("report-file-no-recording-metadata", "FILE-REPORT-RECORDING-METADATA",
          "report-<recording_id>.json leaves out recording_metadata"),
    Fault("report-file-metadata-key", "FILE-REPORT-NO-METADATA",
          "report-<recording_id>.json of a session recording also carries the legacy key metadata"),
    Fault("ignore-recording-block", "BLOCK-AUTH", '"recording_block": true from the auth webhook is ignored'),
    Fault("blocked-connection-reported", "BLOCK-AUTH-UNREPORTED",
          "a blocked connection writes no files but still gets archive.started and a report entry"),
    Fault("reuse-session-id", "SESSION-NEW-ID", "a channel's next session reuses the previous session_id"),
    Fault("lowercase-session-id", "SESSION-ID-FORMAT", "session ids are issued in lower case"),
    Fault("stop-recording-ignored", "API-STOP-RENAMED", "Sora_20231220.StopRecording answers 200 but keeps recording"),
    Fault("start-recording-20231220-unknown", "API-START-RENAMED",
          "Sora_20231220.StartRecording is not known (only the old version name works)"),
    Fault("get-session-unknown", "API-GETSESSION-REPLACES", "GetSession does not find live sessions"),
    Fault("list-sessions-empty", "API-LISTSESSIONS-REPLACES", "ListSessions always answers an empty list"),
    Fault("legacy-api-still-on", "MIG-LEGACY-REMOVED",
          "the Sora_20161101 recording API keeps working although legacy recording is off"),
    Fault("error-without-error-type", "API-ERROR-TYPE", "refused API calls answer without error_type"),
    Fault("no-files", "FILES-IN-ARCHIVE-DIR", "recording files are not written to archive_dir"),
    Fault("legacy-start-needs-session", "LEGACY-START-WITHOUT-SESSION",
          "legacy StartRecording is refused on a channel without a session"),
    Fault("legacy-stops-on-destroy", "LEGACY-PERSIST", "legacy recordings end when the session is destroyed"),
    Fault("legacy-webhook-on-session", "LEGACY-EVENT-WEBHOOK", "legacy recording webhooks go to the session webhook"),
    Fault("legacy-expire-optional", "LEGACY-EXPIRE-REQUIRED", "legacy StartRecording without expire_time is accepted"),
    Fault("legacy-blocks-session-recording", "MIXED-CHANNELS",
          "a legacy recording on one channel refuses session recordings on every other channel"),
    Fault("session-created-options-ignored", "REC-CREATE-OPTIONS",
          "recording_expire_time / recording_split_* / recording_metadata in the session.created answer are ignored"),
    Fault("finalise-at-stop-only", "REC-CONN-FINALISE",
          "a connection that leaves keeps its archive open until the recording stops"),
    Fault("format-ignored", "OUT-FORMAT-MP4", 'StartRecording "format": "mp4" is accepted but WebM is written'),
    Fault("dual-output-ignored", "OUT-DUAL", "recording_dual_output = true is ignored: only the single archive"),
    Fault("session-hides-recording", "SESSION-SHOWS-RECORDING",
          "GetSession / ListSessions do not show the running recording"),
    Fault("cluster-api-local-only", "CLUSTER-ANY-NODE",
          "a cluster node's API refuses StartRecording / StopRecording for sessions whose clients are on another node"),
    Fault("legacy-api-disabled", "CONF-LEGACY-ENABLE", "legacy_recording = true does not enable the legacy API"),
    Fault("archive-media-swapped", "MEDIA-OWN-CONTENT",
          "two connections' media are written into each other's archive files"),
    Fault("archive-media-blank", "MEDIA-OWN-CONTENT", "archives hold black video and silent audio"),
    Fault("archive-audio-silent", "MEDIA-AUDIO-TONE", "archives hold the connection's video but silent audio"),
    Fault("archive-truncated", "MEDIA-DURATION", "archive media files are cut off half-way, as a crash leaves them"),
    Fault("split-archive-gap", "MEDIA-SPLIT-CONTIGUOUS",
          "every split archive stops 0.6 s before its interval ends: gaps between consecutive pieces"),
    Fault("blocked-media-mixed", "MEDIA-BLOCKED-ABSENT",
          "a recording_block connection's media is mixed into the other connections' archives"),
]

FAULTS: dict[str, Fault] = {fault.name: fault for fault in _CATALOGUE}


class UnknownFault(ValueError):
    pass


class Faults:
    """The set of faults switched on in one emulator."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        names = frozenset(names)
        unknown = sorted(names - FAULTS.keys())
        if unknown:
            raise UnknownFault(f"unknown fault(s): {', '.join(unknown)} (see sora-emulator --list-faults)")
        self.names = names

    def on(self, name: str) -> bool:
        assert name in FAULTS, name  # a typo at a seam would silently never fire
        return name in self.names
