"""Synthesised grey media lasting an interval, written with PyAV: WebM (VP8), or MP4 (H.264) for "format": "mp4".

Used only where a file must exist although nothing was received to write (media/writer.py writes what
connections send, WebM or MP4): an archive opened without a live peer (unit tests), or a file a fault adds.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import cast

import av
import numpy as np

FPS = 5
SIZE = (160, 120)
CODECS = {"webm": "libvpx", "mp4": "libx264"}


def write_video(path: Path, seconds: float, container_format: str) -> int:
    """A video lasting `seconds` (at least one frame) in `container_format`; returns its size in bytes."""
    frames = max(1, math.ceil(seconds * FPS))
    tmp = path.with_name(path.name + ".tmp")
    with av.open(str(tmp), "w", format=container_format) as container:
        stream = cast(av.VideoStream, container.add_stream(CODECS[container_format], rate=FPS))
        stream.width, stream.height = SIZE
        stream.pix_fmt = "yuv420p"
        image = np.full((SIZE[1], SIZE[0], 3), 64, np.uint8)
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    os.replace(tmp, path)  # readers never see a half-written file
    return path.stat().st_size
