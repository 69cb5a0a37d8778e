"""The emulator writes what it received: its archive files, WebM or MP4, decode back to the sender's signature
(colour, tone, frame numbers), cut on the archive's own clock; each media fault breaks the files the way its
description says, in either format."""
import av
import pytest

from sora_conformance.media.content import read_media, tone_matches
from sora_emulator.faults import ActiveFaults
from sora_emulator.files import Disk
from sora_emulator.media.writer import ArchiveMedia, Layout

from .conftest import FakeClock, audio, feed, video

FORMATS = pytest.mark.parametrize("fmt", ["webm", "mp4"])
CODECS = {"webm": ("vp8", "opus"), "mp4": ("h264", "opus")}  # Sora writes Opus into MP4 too


def writer(tmp_path, clock, *layouts, faults=(), fmt="webm"):
    layouts = layouts or (Layout(lambda _: "archive-C"),)
    return ArchiveMedia(tmp_path, list(layouts), clock(), True, True, clock, fmt, ActiveFaults(faults).media())


def single_archive(tmp_path, sig, seconds, *faults, fmt="webm"):
    """`seconds` of `sig`'s media written as one archive, read back."""
    clock = FakeClock()
    media = writer(tmp_path, clock, faults=faults, fmt=fmt)
    feed(media, clock, seconds, sig)
    media.close(clock())
    return read_media(tmp_path / f"archive-C.{fmt}")


@FORMATS
def test_single_archive_holds_the_received_media_for_its_interval(tmp_path, red, fmt):
    content = single_archive(tmp_path, red, 2.0, fmt=fmt)
    assert content.error is None
    assert content.share(red) == 1.0 and len(content.colours) == 20
    assert content.numbers == list(range(20)) and content.frame_gaps() == []
    assert tone_matches(content, red)
    assert abs(content.span - 2.0) < 0.15
    assert not list(tmp_path.glob("*.tmp"))
    with av.open(str(tmp_path / f"archive-C.{fmt}")) as container:
        assert fmt in container.format.name.split(",")
        assert (container.streams.video[0].codec_context.name, container.streams.audio[0].codec_context.name) == \
            CODECS[fmt]


@FORMATS
def test_split_pieces_are_cut_every_split_duration_and_cover_the_interval(tmp_path, red, fmt):
    clock = FakeClock()
    media = writer(tmp_path, clock, Layout(lambda i: f"split-C_{i:04d}", 1.0), fmt=fmt)
    feed(media, clock, 2.3, red)
    media.close(clock())
    pieces = sorted(tmp_path.glob(f"split-C_*.{fmt}"))
    assert [p.name for p in pieces] == [f"split-C_000{i}.{fmt}" for i in (1, 2, 3)]
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


@FORMATS
def test_fault_blank_writes_black_and_silence(tmp_path, red, fmt):
    content = single_archive(tmp_path, red, 1.0, "archive-media-blank", fmt=fmt)
    assert content.share(red) == 0.0 and content.tone_hz is None and content.colours[0] == (0, 0, 0)
    assert set(content.numbers) == {None} and content.frame_gaps()  # no number to show the frames follow


@FORMATS
def test_fault_silent_keeps_the_video(tmp_path, red, fmt):
    content = single_archive(tmp_path, red, 1.0, "archive-audio-silent", fmt=fmt)
    assert content.share(red) == 1.0 and content.tone_hz is None


@FORMATS
def test_fault_truncated_leaves_a_file_cut_short(tmp_path, red, fmt):
    """A change on the media file's write (the recorder's disk), after the writer finished it."""
    single_archive(tmp_path, red, 2.0, fmt=fmt)
    path = tmp_path / f"archive-C.{fmt}"
    whole = path.stat().st_size
    assert Disk(ActiveFaults(["archive-truncated"]).file).media(path, 2.0) == whole // 2 == path.stat().st_size
    assert read_media(path).span < 1.5


@FORMATS
def test_fault_frames_dropped_loses_a_run_mid_file_but_keeps_the_interval(tmp_path, red, fmt):
    content = single_archive(tmp_path, red, 2.0, "archive-frames-dropped", fmt=fmt)
    assert content.frame_gaps() == ["6 frames missing between frame numbers 2 and 9"]
    assert content.share(red) == 1.0 and abs(content.span - 2.0) < 0.15  # only the numbers show it


@FORMATS
def test_fault_split_gap_ends_every_piece_early(tmp_path, red, fmt):
    clock = FakeClock()
    media = writer(tmp_path, clock, Layout(lambda i: f"split-C_{i:04d}", 1.0), faults=["split-archive-gap"], fmt=fmt)
    feed(media, clock, 1.3, red)
    media.close(clock())
    first, tail = (read_media(tmp_path / f"split-C_{i:04d}.{fmt}") for i in (1, 2))
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


def test_an_odd_sized_sender_is_written_to_mp4_at_an_even_size(tmp_path, red):
    """H.264 takes only even sizes: a 161x121 sender is written at 160x120 rather than failing the file."""
    clock = FakeClock()
    media = writer(tmp_path, clock, fmt="mp4")
    for _ in range(5):
        media.write("video", video(red.colour).reformat(161, 121))
        clock.now += 0.1
    media.close(clock())
    with av.open(str(tmp_path / "archive-C.mp4")) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (160, 120)
    assert read_media(tmp_path / "archive-C.mp4").share(red) == 1.0
