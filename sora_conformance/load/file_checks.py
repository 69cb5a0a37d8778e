"""The checks on what a recording left in archive_dir (where it is readable here): the files, in the contract's
terms, and the media, decoded and compared with what each client sent (tolerances: media/content.py)."""
from __future__ import annotations

from ..contract.files import MEDIA_SUFFIXES, validate_archive_dir
from ..harness.media import RecordedFile
from ..media.content import DURATION_TOLERANCE, MOST, SPLIT_TOLERANCE, tone_matches
from .judge import Findings, NamedCheck, Recording

FILE_CLAUSES = ("FILES-IN-ARCHIVE-DIR", "FILES-LAYOUT", "ID-FILES", "FILE-ARCHIVE-FIELDS", "FILE-ARCHIVE-OFFSETS",
                "FILE-REPORT-SESSION-ID", "OUT-FORMAT-MP4", "EXPIRE-ABSENT-WHEN-UNSET", "EXPIRED-AT-ABSENT-WHEN-UNSET")
MEDIA_CLAUSES = ("MEDIA-OWN-CONTENT", "MEDIA-AUDIO-TONE", "MEDIA-DURATION", "MEDIA-NO-FRAME-GAPS")
CONTAINER = {"webm": "webm", "mp4": "mp4"}  # a word PyAV's container name holds for each format


def recorded_connections(rec: Recording, found: Findings) -> list[str]:
    """The connections the report lists in archives (a failed archive is reported apart, its files not judged);
    without a report, every client's. None left: the check's clauses are not judged, never passed on nothing."""
    listed: set[object] = set(rec.connection_ids)
    if rec.report is not None:
        entries = rec.report.data().get("archives")
        listed = {e.get("connection_id") for e in entries if isinstance(e, dict)} if isinstance(entries, list) else set()
    recorded = [cid for cid in rec.connection_ids if cid in listed]
    if not recorded:
        for clause in found.clauses:
            found.cannot_judge(clause, "no archive to look at: the report lists none of the session's connections "
                                       "in archives (see failed_archives)")
    return recorded


def files_keep_the_contract(rec: Recording, found: Findings) -> None:
    assert rec.archive is not None
    report = rec.archive.report_file(rec.recording_id)  # none: FILES-IN-ARCHIVE-DIR
    for result in validate_archive_dir(rec.archive.recording_dir(rec.recording_id)):
        found.expect("FILES-IN-ARCHIVE-DIR", result.error is None, f"{result.where}: {result.error}")
        for violation in result.violations:
            found.expect(violation.clause or "FILES-LAYOUT", False, f"{result.where}: {violation}")
    found.expect("FILE-REPORT-SESSION-ID", isinstance(report, dict) and report.get("session_id") == rec.session_id,
                 f"report-{rec.recording_id}.json does not carry session_id {rec.session_id}",
                 report.get("session_id") if isinstance(report, dict) else report)
    for key, clause in (("expire_time", "EXPIRE-ABSENT-WHEN-UNSET"), ("expired_at", "EXPIRED-AT-ABSENT-WHEN-UNSET")):
        found.expect(clause, isinstance(report, dict) and key not in report,
                     f"report-{rec.recording_id}.json carries {key} although none was asked for", report)
    media = [n for n in rec.archive.names(rec.recording_id) if n.endswith(MEDIA_SUFFIXES)]
    for name in media:
        container = rec.archive.container(rec.recording_id, name)
        found.expect("OUT-FORMAT-MP4", name.endswith(f".{rec.format}") and CONTAINER[rec.format] in container,
                     f"{name} is not a {rec.format} file (container {container or 'unreadable'})", container)


def one_archive_per_connection(rec: Recording, found: Findings) -> None:
    assert rec.archive is not None
    names = rec.archive.names(rec.recording_id)
    for cid in recorded_connections(rec, found):
        own = [n for n in names if n.startswith(f"archive-{cid}.") and not n.endswith(".json")]
        found.expect("OUT-SINGLE", len(own) == 1, f"connection {cid} has {len(own)} archive media files", names)


def split_files_only(rec: Recording, found: Findings) -> None:
    assert rec.archive is not None
    names = rec.archive.names(rec.recording_id)
    for cid in recorded_connections(rec, found):
        single = [n for n in names if n.startswith(f"archive-{cid}.")]
        pieces = [n for n in names if n.startswith(f"split-archive-{cid}_")]
        found.expect("OUT-SPLIT-ONLY", not single and bool(pieces),
                     f"split_only: connection {cid} has {len(single)} single archive files and {len(pieces)} pieces",
                     names)


def media_is_what_was_sent(rec: Recording, found: Findings) -> None:
    """Each recorded connection's files hold its own signature, for as long as their JSON says, frames in order."""
    assert rec.archive is not None
    if len({c.signature.index for c in rec.clients}) < len(rec.clients):
        for clause in found.clauses:
            found.cannot_judge(clause, "two clients of the session sent the same signature: whose is whose cannot "
                                       "be told")
        return
    recorded = recorded_connections(rec, found)
    judged = {"MEDIA-AUDIO-TONE": 0, "MEDIA-NO-FRAME-GAPS": 0}  # files long enough to say (split tails are not)
    for client in rec.clients:
        if client.connection_id not in recorded:
            continue
        for f in rec.media(client.connection_id, "MEDIA-OWN-CONTENT"):
            media, stated = f.content, f.interval()
            found.expect("MEDIA-DURATION", stated is not None
                         and abs(media.span - stated.seconds) <= DURATION_TOLERANCE + stated.resolution,
                         f"{f.name}: media lasts {media.span:.2f} s, its JSON says {stated}", media.summary())
            if media.tone_judgeable:
                judged["MEDIA-AUDIO-TONE"] += 1
                found.expect("MEDIA-AUDIO-TONE", tone_matches(media, client.signature),
                             f"{f.name}: its audio is not the sender's {client.signature.tone_hz} Hz", media.summary())
            if media.numbers_judgeable:
                judged["MEDIA-NO-FRAME-GAPS"] += 1
                gaps = media.frame_gaps()
                found.expect("MEDIA-NO-FRAME-GAPS", not gaps, f"{f.name}: {len(gaps)} breaks in its frame numbers",
                             gaps[:5])
            found.expect("MEDIA-OWN-CONTENT", media.error is None, f"{f.name} does not decode: {media.error}")
            found.expect("MEDIA-OWN-CONTENT", media.share(client.signature) >= MOST,
                         f"{f.name}: {media.share(client.signature):.0%} of its frames are its sender's "
                         f"(at least {MOST:.0%})", media.summary())
            others = {c.connection_id: media.frames_of(c.signature) for c in rec.clients if c is not client}
            found.expect("MEDIA-OWN-CONTENT", not any(others.values()), f"{f.name} holds another connection's frames",
                         others)
    for clause, files in judged.items():
        if not files and recorded:  # nothing long enough to look at never passes
            found.cannot_judge(clause, "no media file long enough to judge it (split tails are too short)")


def split_pieces_follow_each_other(rec: Recording, found: Findings) -> None:
    assert rec.archive is not None
    for cid in recorded_connections(rec, found):
        _contiguous(rec.media(cid, "MEDIA-SPLIT-CONTIGUOUS"), found)


def _contiguous(pieces: list[RecordedFile], found: Findings) -> None:
    intervals = [p.interval() for p in pieces]
    if not found.expect("MEDIA-SPLIT-CONTIGUOUS", all(intervals), "a split piece's JSON states no interval",
                        [p.meta for p in pieces]):
        return
    for index in range(1, len(pieces)):
        before, interval, piece = intervals[index - 1], intervals[index], pieces[index]
        assert before is not None and interval is not None
        found.expect("MEDIA-SPLIT-CONTIGUOUS", abs(interval.start - before.stop) <= SPLIT_TOLERANCE + interval.resolution,
                     f"{piece.name} starts {interval.start - before.stop:+.2f} s from where the previous one ended")
    for piece, interval in zip(pieces, intervals, strict=True):
        assert interval is not None
        slack, media = SPLIT_TOLERANCE + interval.resolution, piece.content
        found.expect("MEDIA-SPLIT-CONTIGUOUS", media.start is not None and media.start <= slack
                     and media.end is not None and abs(media.end - interval.seconds) <= slack,
                     f"{piece.name}: media from {media.start} to {media.end} s in an interval of "
                     f"{interval.seconds:.2f} s", media.summary())


def _split(rec: Recording) -> bool:
    return rec.split_only


FILE_CHECKS = [
    NamedCheck("files keep the contract", FILE_CLAUSES, files_keep_the_contract, needs_archive_dir=True),
    NamedCheck("one archive per connection", ("OUT-SINGLE",), one_archive_per_connection, needs_archive_dir=True,
               when=lambda rec: not rec.split_only),
    NamedCheck("split files only", ("OUT-SPLIT-ONLY",), split_files_only, needs_archive_dir=True, when=_split),
    NamedCheck("media is what was sent", MEDIA_CLAUSES, media_is_what_was_sent, needs_archive_dir=True),
    NamedCheck("split pieces follow each other", ("MEDIA-SPLIT-CONTIGUOUS",), split_pieces_follow_each_other,
               needs_archive_dir=True, when=_split),
]
