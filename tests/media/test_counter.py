"""The frame number in the signature's band: painted, read back (also rescaled and re-encoded), and judged."""
import av
import numpy as np
import pytest

from sora_conformance.media import counter
from sora_conformance.media.content import MAX_MISSING_FRAMES, MediaContent, read_media
from sora_conformance.media.signature import PALETTE, signature, video_frame


@pytest.mark.parametrize("number", [0, 1, 341, 682, 1023])
@pytest.mark.parametrize("colour", PALETTE[:3])
def test_a_painted_number_reads_back(number, colour):
    frame = np.empty((120, 160, 3), np.uint8)
    frame[:] = colour
    counter.paint(frame, number)
    assert counter.read(frame) == number
    assert (frame[counter.band_rows(120):] == colour).all()  # the colour below the band is untouched


def test_numbers_wrap_at_the_modulo():
    frame = video_frame(signature(0), counter.MODULO + 5)
    assert counter.read(frame[:, :, ::-1]) == 5


@pytest.mark.parametrize("value", [0, 128, 255])
def test_a_frame_without_a_band_reads_as_no_number(value):
    assert counter.read(np.full((120, 160, 3), value, np.uint8)) is None


def test_a_rescaled_frame_still_reads():
    frame = av.VideoFrame.from_ndarray(video_frame(signature(2), 517)[:, :, ::-1].copy(), format="rgb24")
    assert counter.read(frame.reformat(320, 240).to_ndarray(format="rgb24")) == 517


@pytest.mark.parametrize("fmt, codec", [("webm", "libvpx"), ("mp4", "libx264")])
def test_numbers_and_colour_survive_low_bitrate_encoding(tmp_path, fmt, codec):
    sig = signature(5)
    path = tmp_path / f"a.{fmt}"
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt, stream.bit_rate = 160, 120, "yuv420p", 30000
        for index in range(30):
            frame = av.VideoFrame.from_ndarray(video_frame(sig, 100 + index)[:, :, ::-1].copy(), format="rgb24")
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    content = read_media(path)
    assert content.numbers == list(range(100, 130)) and content.share(sig) == 1.0


@pytest.mark.parametrize("numbers, problems", [
    ([1, 2, 3, 4], []),
    ([1, 2, 2 + MAX_MISSING_FRAMES + 1], []),  # as many missing as the tolerance
    ([1, 2, 2 + MAX_MISSING_FRAMES + 2], [f"{MAX_MISSING_FRAMES + 1} frames missing between frame numbers 2 and "
                                          f"{2 + MAX_MISSING_FRAMES + 2}"]),
    ([1, 2, 2, 3], ["frame 2 repeats frame number 2"]),
    ([5, 6, 4], ["frame 2 goes back from frame number 6 to 4"]),
    ([1022, 1023, 0, 1], []),  # wrap-around is a step forward
])
def test_gaps_name_repeats_steps_back_and_runs_lost(numbers, problems):
    assert counter.gaps(numbers, MAX_MISSING_FRAMES) == problems


@pytest.mark.parametrize("numbers", [[], [None, None, None], [None, 4, None], [1, None, None, None, 2]])
def test_fewer_than_two_readable_numbers_never_pass(numbers):
    content = MediaContent("a.webm", colours=[(0, 0, 0)] * len(numbers), numbers=numbers)
    assert content.frame_gaps() and "readable frame number" in content.frame_gaps()[0]


def test_a_few_unreadable_frames_between_readable_ones_are_skipped():
    assert MediaContent("a.webm", numbers=[1, 2, 3, 4, None, 6, 7, 8, 9, 10]).frame_gaps() == []
