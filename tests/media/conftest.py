"""Synthetic received media: the frames aiortc's decoders hand over (yuv420p video, 48 kHz stereo s16 audio)."""
import av
import numpy as np
import pytest

from sora_conformance.media import counter
from sora_conformance.media.signature import signature


def video(colour, number=None):
    """A frame of one colour; with `number`, numbered as the suite's senders number theirs."""
    image = np.empty((120, 160, 3), np.uint8)
    image[:] = colour
    if number is not None:
        counter.paint(image, number)
    return av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")


def audio(tone_hz, amplitude=8000):
    t = np.arange(960) / 48000
    mono = (np.sin(2 * np.pi * tone_hz * t) * amplitude).astype(np.int16)
    frame = av.AudioFrame.from_ndarray(np.stack([mono, mono], axis=1).reshape(1, -1), format="s16", layout="stereo")
    frame.sample_rate = 48000
    return frame


class FakeClock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def feed(writer, clock, seconds, sig, *, step=0.02):
    """What a 10 fps / 20 ms-audio sender delivers over `seconds` of the fake clock."""
    base = clock.now
    for tick in range(round(seconds / step)):
        clock.now = base + round(tick * step, 6)  # no float drift across a piece boundary
        writer.write("audio", audio(sig.tone_hz))
        if tick % 5 == 0:
            writer.write("video", video(sig.colour, tick // 5))
    clock.now = base + seconds


@pytest.fixture
def red():
    return signature(0)
