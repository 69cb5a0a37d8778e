"""Each client the suite starts sends media that says who it is: a colour and a tone of its own, and in
each video frame its number (media/counter.py: a band at the top; the colour fills the rest).

The palette is chosen to survive VP8 at 160x120 and YUV 4:2:0 (saturated, far apart in RGB, none of them
black or grey), and the tones to stay apart after Opus (150 Hz steps, each a multiple of 50 Hz so a 20 ms
chunk holds whole cycles and the same chunk can be sent again and again).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import counter

WIDTH, HEIGHT, FPS = 160, 120, 10
AUDIO_RATE = 16000
AUDIO_CHUNK = AUDIO_RATE // 50  # 20 ms

PALETTE: tuple[tuple[int, int, int], ...] = (
    (230, 30, 30), (30, 200, 40), (40, 60, 230), (230, 220, 30),
    (220, 40, 220), (30, 210, 220), (240, 140, 20), (140, 60, 200),
)
TONES: tuple[int, ...] = (400, 550, 700, 850, 1000, 1150, 1300, 1450)


@dataclass(frozen=True)
class Signature:
    index: int
    colour: tuple[int, int, int]
    tone_hz: int

    def as_dict(self) -> dict[str, object]:
        return {"colour": list(self.colour), "tone_hz": self.tone_hz}


def signature(index: int) -> Signature:
    """The signature of the `index`-th client of a pool; eight in a row are all different."""
    slot = index % len(PALETTE)
    return Signature(slot, PALETTE[slot], TONES[(slot * 3) % len(TONES)])


def video_frame(sig: Signature, number: int = 0) -> np.ndarray:
    """The `number`-th 160x120 frame: the signature's colour under a band holding `number`, in BGR order as
    sora-sdk's video source takes it."""
    frame = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    frame[:] = sig.colour[::-1]
    counter.paint(frame, number)
    return frame


def audio_chunk(sig: Signature) -> np.ndarray:
    """20 ms of the signature's tone, mono int16 (whole cycles, so chunks join without a click)."""
    t = np.arange(AUDIO_CHUNK) / AUDIO_RATE
    return (np.sin(2 * np.pi * sig.tone_hz * t) * 8000).astype(np.int16).reshape(-1, 1)
