"""A split tail of a frame or two says nothing about its tone or its frame numbers: under load, such a file is
not judged for them, and a recording with nothing long enough leaves both clauses not judged, never passed."""
from types import SimpleNamespace

from sora_conformance.harness.archive import ArchiveDir
from sora_conformance.load.file_checks import media_is_what_was_sent
from sora_conformance.load.judge import Recording
from sora_conformance.media.content import Interval, MediaContent
from sora_conformance.media.signature import signature

from .test_judge import entry, recording, run

CLAUSES = ("MEDIA-OWN-CONTENT", "MEDIA-AUDIO-TONE", "MEDIA-DURATION", "MEDIA-NO-FRAME-GAPS")


def file(sig, seconds, first_number=0):
    frames = max(1, round(seconds * 10))
    content = MediaContent("piece.webm", colours=[sig.colour] * frames,
                           numbers=list(range(first_number, first_number + frames)), video_start=0.0,
                           video_end=frames / 10, audio_seconds=seconds, audio_start=0.0, audio_end=seconds,
                           tone_hz=float(sig.tone_hz) if seconds >= 0.4 else None, audio_rms=5000.0)
    return SimpleNamespace(name="piece.webm", content=content, interval=lambda: Interval(0.0, frames / 10, 0.001))


def judged(tmp_path, monkeypatch, *seconds):
    (tmp_path / "R").mkdir()
    rec = recording({"archives": [entry("C1"), entry("C2")], "failed_archives": []},
                    archive=ArchiveDir(tmp_path, lambda name, value: None))
    by_sender = {cid: signature(i) for cid, i in (("C1", 0), ("C2", 1))}
    monkeypatch.setattr(Recording, "media", lambda self, cid, clause: [file(by_sender[cid], s) for s in seconds])
    return run(media_is_what_was_sent, rec=rec, clauses=CLAUSES)


def test_a_short_tail_beside_a_whole_piece_is_not_judged_for_tone_or_numbers(tmp_path, monkeypatch):
    outcomes = judged(tmp_path, monkeypatch, 2.0, 0.1)
    assert outcomes["MEDIA-AUDIO-TONE"] == "pass" and outcomes["MEDIA-NO-FRAME-GAPS"] == "pass"


def test_nothing_long_enough_leaves_tone_and_numbers_not_judged(tmp_path, monkeypatch):
    outcomes = judged(tmp_path, monkeypatch, 0.1)
    assert outcomes["MEDIA-AUDIO-TONE"] == "not-judged" and outcomes["MEDIA-NO-FRAME-GAPS"] == "not-judged"
    assert outcomes["MEDIA-OWN-CONTENT"] == "pass"


def test_a_whole_piece_with_the_wrong_tone_still_warns(tmp_path, monkeypatch):
    monkeypatch.setattr("sora_conformance.load.file_checks.tone_matches", lambda media, sig: False)
    assert judged(tmp_path, monkeypatch, 2.0, 0.1)["MEDIA-AUDIO-TONE"] == "warn"
