"""What was sent is what was recorded: each archive holds its own connection's media, for its own interval.

Every client sends its own signature (a colour, a tone and numbered frames, sora_conformance/media/signature.py);
the files are decoded with PyAV. Tolerances (sora_conformance/media/content.py) are ours: the docs only say that
an archive holds its connection's media. The scenarios that read what the writer made of the media (content,
tone, frame numbers, split pieces) run on WebM (the default) and on "format": "mp4" (Sora 2024.2.0 and later);
who is recorded when (a late joiner, a blocked connection) is decided before any container is written, so
those run on WebM only, which keeps the whole suite under 30 s serial.
"""
import time

import pytest

from sora_conformance.contract.files import validate_archive_dir
from sora_conformance.media.content import DURATION_TOLERANCE, MAX_MISSING_FRAMES, MOST, SPLIT_TOLERANCE, tone_matches

RECORD = 0.8  # seconds of media each scenario records
PAD = 0.5  # seconds recorded before a late joiner comes and after it leaves: more than the tolerance
MIDDLE_RECORD = 1.2  # seconds: files long enough to have a middle whose frames can go missing
pytestmark = pytest.mark.needs("archive_dir")
each_format = pytest.mark.parametrize("fmt", [{}, {"format": "mp4"}], ids=["webm", "mp4"])


@pytest.mark.clause("MEDIA-OWN-CONTENT", "MEDIA-AUDIO-TONE", "MEDIA-DURATION", "MEDIA-NO-FRAME-GAPS", "FILES-COMPOSE")
@each_format
def test_each_archive_holds_its_own_connections_media(sora, fmt):
    rec = sora.recording(**fmt)
    other = sora.join(rec)
    sora.record_for(MIDDLE_RECORD)
    sora.stop_and_report(rec)
    senders = (rec.client, other)
    for client in senders:
        for f in sora.files.media(rec, client):
            media, stated = f.content, f.interval()
            # should-level checks first: they warn and go on, so the must-level ones below are still judged
            sora.check(stated is not None and abs(media.span - stated.seconds) <= DURATION_TOLERANCE + stated.resolution,
                       f"{f.name}: its media lasts {media.span:.2f} s, its JSON says {stated}",
                       f"the JSON's interval within {DURATION_TOLERANCE} s", media.summary(), clause="MEDIA-DURATION")
            sora.check(tone_matches(media, client.signature), f"{f.name}: its audio is not its sender's tone",
                       f"{client.signature.tone_hz} Hz", media.summary(), clause="MEDIA-AUDIO-TONE")
            gaps = media.frame_gaps()
            sora.check(not gaps, f"{f.name}: its frame numbers do not follow each other ({len(gaps)} breaks)",
                       f"each frame the next number, at most {MAX_MISSING_FRAMES} missing in a row",
                       {"breaks (first 5)": gaps[:5], "media": media.summary()}, clause="MEDIA-NO-FRAME-GAPS")
            sora.check(media.error is None, f"{f.name} does not decode: {media.error}", "a file that decodes to its end",
                       media.summary())
            cut = f.cut_short()
            sora.check(cut is None, f"{f.name}: {cut}", "media that reaches the end of the interval the file states",
                       media.summary())
            sora.check(media.share(client.signature) >= MOST,
                       f"{f.name}: {media.share(client.signature):.0%} of its frames are its connection's",
                       f"at least {MOST:.0%} of frames in {client.signature.colour}", media.summary())
            strangers = {c.connection_id: media.frames_of(c.signature) for c in senders if c is not client}
            sora.check(not any(strangers.values()), f"{f.name} holds another connection's frames",
                       "no frame of another connection", strangers)
    sora.composes(rec)


@pytest.mark.clause("MEDIA-DURATION")
def test_late_joiner_is_recorded_only_for_its_own_interval(sora):
    rec = sora.recording()
    sora.record_for(PAD)
    before_join = time.monotonic()
    late = sora.connect(rec.channel)
    joined = time.monotonic()
    sora.record_for(RECORD)
    leaving = time.monotonic()
    sora.leave(late)
    left = time.monotonic()
    sora.record_for(PAD)
    sora.stop_and_report(rec)
    files = sora.files.media(rec, late)
    span = sum(f.content.span for f in files)
    inner, outer = leaving - joined, left - before_join  # the archive covers at least inner, at most outer
    sora.check(inner - DURATION_TOLERANCE <= span <= outer + DURATION_TOLERANCE,
               f"the late joiner's media lasts {span:.2f} s, it was there {inner:.2f}-{outer:.2f} s",
               f"its own interval within {DURATION_TOLERANCE} s", [f.content.summary() for f in files])


@pytest.mark.clause("MEDIA-SPLIT-CONTIGUOUS", "FILE-SPLIT-OFFSETS", "FILES-COMPOSE")
@each_format
def test_split_archives_follow_each_other_without_gaps(sora, fmt):
    rec = sora.recording(split_only=True, split_duration=1, **fmt)
    sora.record_for(1.4)
    sora.stop_and_report(rec)
    pieces = sora.files.media(rec, rec.client)
    sora.check(len(pieces) >= 2, f"{len(pieces)} split piece(s) for 1.4 s at split_duration 1", "at least 2 pieces",
               [p.name for p in pieces])
    rules = validate_archive_dir(sora.files.directory(rec))  # the JSON offsets: each piece starts at the previous stop
    sora.check_contract([r for r in rules if any(v.clause == "FILE-SPLIT-OFFSETS" for v in r.violations)])
    intervals = [p.interval() for p in pieces]
    sora.check(all(intervals), "a split piece's JSON states no interval", "start/stop_timestamp or _time_offset",
               [p.meta for p in pieces])
    for previous, piece, interval in zip(intervals, pieces[1:], intervals[1:], strict=False):
        gap = interval.start - previous.stop
        sora.check(abs(gap) <= SPLIT_TOLERANCE + interval.resolution,
                   f"{piece.name} starts {gap:+.2f} s from where the previous ended", f"within {SPLIT_TOLERANCE} s",
                   [previous, interval])
    for piece, interval in zip(pieces, intervals, strict=True):
        media, slack = piece.content, SPLIT_TOLERANCE + interval.resolution
        starts, ends = media.start, media.end
        sora.check(starts is not None and starts <= slack,
                   f"{piece.name}: its media starts {starts} s into its interval", f"within {SPLIT_TOLERANCE} s",
                   media.summary())
        sora.check(ends is not None and abs(ends - interval.seconds) <= slack,
                   f"{piece.name}: its media ends at {ends} s, its interval lasts {interval.seconds:.2f} s",
                   f"within {SPLIT_TOLERANCE} s", media.summary())
    sora.composes(rec)


@pytest.mark.clause("MEDIA-BLOCKED-ABSENT")
def test_blocked_connections_media_is_in_no_archive(sora):
    rec, blocked = sora.recording_with_blocked()
    sora.record_for(RECORD)
    sora.stop_and_report(rec)
    files = sora.files.media(rec, rec.client)
    frames = sum(len(f.content.colours) for f in files)
    sora.check(frames > 0, "the recorded connection's archive has no video frame to look in", "decoded frames",
               [f.content.summary() for f in files])
    stray = {f.name: f.content.frames_of(blocked.signature) for f in files}
    sora.check(not any(stray.values()), "the blocked connection's frames are in another connection's archive",
               f"no frame in {blocked.signature.colour}", stray)
