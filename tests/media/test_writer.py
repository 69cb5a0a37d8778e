"""The emulator writes what it received: its archive files decode back to the sender's signature, cut on the
archive's own clock; each media fault breaks the files the way its description says."""
from sora_conformance.media.content import read_media, tone_matches
from sora_emulator.faults import Faults
from sora_emulator.media.writer import ArchiveMedia, Layout

from .conftest import FakeClock, audio, feed


def writer(tmp_path, clock, *layouts, faults=()):
    layouts = layouts or (Layout(lambda _: "archive-C"),)
    return ArchiveMedia(tmp_path, list(layouts), clock(), True, True, Faults(faults), clock)


def single_archive(tmp_path, sig, seconds, *faults):
    """`seconds` of `sig`'s media written as one archive, read back."""
    clock = FakeClock()
    media = writer(tmp_path, clock, faults=faults)
    feed(media, clock, seconds, sig)
    media.close(clock())
    return read_media(tmp_path / "archive-C.webm")


def test_single_archive_holds_the_received_media_for_its_interval(tmp_path, red):
    content = single_archive(tmp_path, red, 2.0)
    assert content.error is None
    assert content.share(red) == 1.0 and len(content.colours) == 20
    assert tone_matches(content, red)
    assert abs(content.span - 2.0) < 0.15
    assert not list(tmp_path.glob("*.tmp"))


def test_split_pieces_are_cut_every_split_duration_and_cover_the_interval(tmp_path, red):
    clock = FakeClock()
    media = writer(tmp_path, clock, Layout(lambda i: f"split-C_{i:04d}", 1.0))
    feed(media, clock, 2.3, red)
    media.close(clock())
    pieces = sorted(tmp_path.glob("split-C_*.webm"))
    assert [p.name for p in pieces] == ["split-C_0001.webm", "split-C_0002.webm", "split-C_0003.webm"]
    contents = [read_media(p) for p in pieces]
    assert all(c.start is not None and c.start < 0.05 for c in contents)
    assert [abs(c.span - want) < 0.1 for c, want in zip(contents, (1.0, 1.0, 0.3), strict=True)] == [True] * 3, \
        [c.summary() for c in contents]


def test_a_piece_nothing_arrived_in_holds_the_last_picture(tmp_path, red):
    clock = FakeClock()
    media = writer(tmp_path, clock, Layout(lambda i: f"split-C_{i:04d}", 1.0))
    feed(media, clock, 1.0, red)
    media.close(clock() + 0.05)
    tail = read_media(tmp_path / "split-C_0002.webm")
    assert tail.share(red) == 1.0


def test_nothing_is_written_after_close(tmp_path, red):
    clock = FakeClock()
    media = writer(tmp_path, clock)
    feed(media, clock, 0.5, red)
    media.close(clock())
    size = (tmp_path / "archive-C.webm").stat().st_size
    feed(media, clock, 0.5, red)
    assert (tmp_path / "archive-C.webm").stat().st_size == size


def test_fault_blank_writes_black_and_silence(tmp_path, red):
    content = single_archive(tmp_path, red, 1.0, "archive-media-blank")
    assert content.share(red) == 0.0 and content.tone_hz is None and content.colours[0] == (0, 0, 0)


def test_fault_silent_keeps_the_video(tmp_path, red):
    content = single_archive(tmp_path, red, 1.0, "archive-audio-silent")
    assert content.share(red) == 1.0 and content.tone_hz is None


def test_fault_truncated_leaves_a_file_cut_short(tmp_path, red):
    content = single_archive(tmp_path, red, 2.0, "archive-truncated")
    assert content.span < 1.5


def test_fault_split_gap_ends_every_piece_early(tmp_path, red):
    clock = FakeClock()
    media = writer(tmp_path, clock, Layout(lambda i: f"split-C_{i:04d}", 1.0), faults=["split-archive-gap"])
    feed(media, clock, 1.3, red)
    media.close(clock())
    first, tail = (read_media(tmp_path / f"split-C_{i:04d}.webm") for i in (1, 2))
    assert first.end is not None and first.end <= 0.55  # ~0.6 s missing before the next piece starts
    assert tail.start is not None and tail.start < 0.05


def test_audio_alone_is_written_when_the_video_never_comes(tmp_path, red):
    clock = FakeClock()
    media = writer(tmp_path, clock)
    for _ in range(25):
        media.write("audio", audio(red.tone_hz))
        clock.now += 0.02
    media.close(clock())
    content = read_media(tmp_path / "archive-C.webm")
    assert not content.colours and tone_matches(content, red)
