"""What may change on the way from received media to a file: the frames, and the container around them.

The writer (media/writer.py) and the muxers (media/outputs.py, media/webm.py) produce Sora's files and know
nothing of faults; they pass what they are about to write through a `MediaChanges`, which is the identity unless
a fault (sora_emulator/faults/media_changes.py) declares a change:
- frames: each decoded frame, with where it falls in its file, before it is encoded (blank it, drop it);
- muxing: how a file's container is written (which muxer, its options, a filter on the encoded video);
- element: each top-level WebM element Sora's muxer is about to write (Info, Tracks, a Cluster, Cues).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

SORA_WEBM, FFMPEG = "sora-webm", "ffmpeg"


@dataclass(frozen=True)
class At:
    """Where a frame falls in the file it is written to, in seconds from the file's start."""

    into_file: float
    file_length: float | None = None  # a split piece's planned length; None: the file lasts until it is closed


@dataclass(frozen=True)
class Muxing:
    """How one file's container is written."""

    format: str  # "webm" or "mp4"
    muxer: str  # SORA_WEBM: Sora's WebM layout (media/webm.py); FFMPEG: FFmpeg's muxer for `format`, through PyAV
    options: Mapping[str, str] = field(default_factory=dict)  # FFmpeg muxer options
    video_filter: str | None = None  # an FFmpeg bitstream filter the encoded video passes before the muxer


Element = tuple[str, Any]  # (name, value): a number, a string, bytes, a webm.Block, or a list of Elements
FrameChange = Callable[[str, Any, At], Any | None]  # (kind, frame, at) -> the frame written, or None: nothing
MuxingChange = Callable[[Muxing], Muxing]
ElementChange = Callable[[Element], list[Element]]  # one element planned -> the elements written instead


def default_muxing(container_format: str) -> Muxing:
    """Sora's own WebM; MP4 through FFmpeg's muxer, non-fragmented with one `moov` (what hisui reads)."""
    return Muxing(container_format, SORA_WEBM if container_format == "webm" else FFMPEG)


@dataclass(frozen=True)
class MediaChanges:
    frames: FrameChange = lambda kind, frame, at: frame
    muxing: MuxingChange = lambda muxing: muxing
    element: ElementChange = lambda element: [element]


NO_CHANGES = MediaChanges()  # Sora's files
