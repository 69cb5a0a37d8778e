"""Synthesised grey media lasting an interval, in the recording's format and Sora's file shape (media/outputs.py).

Used only where a file must exist although nothing was received to write (media/writer.py writes what
connections send): an archive opened without a live peer, a connection that left before its first decoded frame
(unit tests too), or a file a fault adds.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import av
import numpy as np

from .outputs import open_file
from .seams import NO_CHANGES

FPS = 5
SIZE = (160, 120)


def write_video(path: Path, seconds: float, container_format: str) -> int:
    """A video lasting `seconds` (at least one frame) in `container_format`; returns its size in bytes."""
    tmp = path.with_name(path.name + ".tmp")
    media = open_file(tmp, container_format, SIZE, False, NO_CHANGES, FPS)
    image = np.full((SIZE[1], SIZE[0], 3), 64, np.uint8)
    for index in range(max(1, math.ceil(seconds * FPS))):
        media.video(av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p"), index * 1000 // FPS)
    media.close()
    os.replace(tmp, path)  # readers never see a half-written file
    return path.stat().st_size
