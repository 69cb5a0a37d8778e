"""Writes what one connection sends, while its archive is open, into WebM or MP4 files as it arrives.

Decoded frames (media/tap.py) are re-encoded at the sender's size: aiortc hands over decoded frames, and
re-encoding lets every file, split pieces included, start on a key frame. WebM gets VP8 + Opus, what Sora
stores for the suite's VP8 senders. MP4 gets H.264 + Opus: Sora stores the sender's codec without transcoding
(VP8 in MP4 too), but FFmpeg's MP4 muxer cannot write VP8, so the emulator writes H.264, the codec Sora stores
for an H.264 sender, beside the Opus Sora writes into MP4. Timestamps are the wall-clock time since the file's
own start, so a file lasts as long as the interval it records. A split layout starts a new file every `split`
seconds from the archive's start. Every frame passes the frame seam (`MediaChanges.frames`) on its way into
each file, and each file's container is written as the container seam says (media/outputs.py, media/seams.py):
the writer itself knows no fault. Everything here runs in aiortc's decoder threads (one per kind), serialised by
one lock; `close` runs in a worker thread.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .outputs import AUDIO_RATE, MediaFile, open_file
from .seams import NO_CHANGES, At, MediaChanges

PENDING_AUDIO_MAX = 100  # 2 s of 20 ms frames held while the first video frame is awaited


@dataclass(frozen=True)
class Layout:
    """Where a connection's media goes: `stem(index)` names the file; `split` cuts it every that many seconds."""

    stem: Callable[[int], str]
    split: float | None = None


@dataclass
class _Piece:
    path: Path
    start: float
    length: float | None  # a split piece's planned length
    file: MediaFile | None = None
    size: tuple[int, int] | None = None  # the video's size; None: the file was opened audio-only
    last_video_ms: int = -1
    audio_samples: int | None = None
    pending_audio: list[Any] = field(default_factory=list)


class ArchiveMedia:
    def __init__(self, directory: Path, layouts: list[Layout], start: float, has_video: bool, has_audio: bool,
                 clock: Callable[[], float], container_format: str = "webm",
                 changes: MediaChanges = NO_CHANGES) -> None:
        self.directory = directory
        self.container_format = container_format
        self.layouts = layouts
        self.start = start
        self.has_video = has_video
        self.has_audio = has_audio
        self.clock = clock
        self.changes = changes
        self._lock = threading.Lock()
        self._pieces: dict[int, tuple[int, _Piece]] = {}  # layout number -> (piece index, open piece)
        self._last_video: Any = None
        self._closed = False

    # --- frames in ------------------------------------------------------------------------------
    def write(self, kind: str, frame: Any) -> None:
        now = self.clock()
        with self._lock:
            if self._closed:
                return
            if kind == "video":
                self._last_video = frame
            for number, layout in enumerate(self.layouts):
                self._encode(self._piece_at(number, layout, now), kind, frame, now)

    def _piece_at(self, number: int, layout: Layout, now: float) -> _Piece:
        index = 1 + (int((now - self.start) // layout.split) if layout.split else 0)
        current = self._pieces.get(number)
        if current is None or current[0] != index:
            if current is not None:
                self._finish(current[1])
                for skipped in range(current[0] + 1, index):  # a stall longer than a piece
                    self._finish(self._new_piece(layout, skipped))
            current = (index, self._new_piece(layout, index))
            self._pieces[number] = current
        return current[1]

    def _encode(self, piece: _Piece, kind: str, frame: Any, now: float) -> None:
        frame = self.changes.frames(kind, frame, At(round(now - piece.start, 3), piece.length))  # ms: as timestamped
        if frame is None:
            return
        if kind == "audio" and self.has_video and piece.file is None:
            piece.pending_audio = [*piece.pending_audio, (frame, now)][-PENDING_AUDIO_MAX:]
            return
        if piece.file is None:
            self._open(piece, frame if kind == "video" else None)
            for held, at in piece.pending_audio:
                self._encode_audio(piece, held, at)
            piece.pending_audio = []
        if kind == "video":
            self._encode_video(piece, frame, now)
        else:
            self._encode_audio(piece, frame, now)

    def _open(self, piece: _Piece, first_video: Any) -> None:
        size = (first_video.width & ~1, first_video.height & ~1) if first_video is not None else None  # H.264: even
        piece.file = open_file(_tmp(piece.path), self.container_format, size, self.has_audio, self.changes)
        piece.size = size

    def _encode_video(self, piece: _Piece, frame: Any, now: float) -> None:
        if piece.file is None or piece.size is None:
            return  # the file was opened audio-only: the sender's video came too late to add a track
        if (frame.width, frame.height) != piece.size:
            frame = frame.reformat(*piece.size, "yuv420p")
        pts = max(piece.last_video_ms + 1, round((now - piece.start) * 1000))
        piece.last_video_ms = pts
        piece.file.video(frame, pts)

    def _encode_audio(self, piece: _Piece, frame: Any, now: float) -> None:
        if piece.file is None or not self.has_audio:
            return
        if piece.audio_samples is None:  # the first frame is placed by the clock, the rest follow on
            piece.audio_samples = max(0, round((now - piece.start) * AUDIO_RATE) - frame.samples)
        if frame.format.name != "s16" or frame.layout.name != "stereo" or frame.sample_rate != AUDIO_RATE:
            return  # aiortc's Opus decoder gives 48 kHz stereo s16; anything else is not ours to guess
        piece.file.audio(frame, piece.audio_samples)
        piece.audio_samples += frame.samples

    # --- files out ------------------------------------------------------------------------------
    def _finish(self, piece: _Piece) -> None:
        if piece.file is None and self._last_video is not None and self.has_video:
            # No video arrived within this piece (a short tail): it holds the connection's last picture.
            self._encode(piece, "video", self._last_video, piece.start)
        elif piece.file is None and piece.pending_audio:  # the video never came: the audio alone
            self._open(piece, None)
            for held, at in piece.pending_audio:
                self._encode_audio(piece, held, at)
        if piece.file is None:
            return
        piece.file.close()
        os.replace(_tmp(piece.path), piece.path)

    def close(self, stop: float) -> None:
        """Blocking: ends every file (split layouts: up to the piece holding `stop`)."""
        with self._lock:
            self._closed = True
            for number, layout in enumerate(self.layouts):
                last = 1 + (int(max(0.0, stop - self.start - 1e-6) // layout.split) if layout.split else 0)
                current = self._pieces.pop(number, None)
                done = 0
                if current is not None:
                    done = current[0]
                    self._finish(current[1])
                for index in range(done + 1, last + 1):
                    self._finish(self._new_piece(layout, index))

    def _new_piece(self, layout: Layout, index: int) -> _Piece:
        path = self.directory / f"{layout.stem(index)}.{self.container_format}"
        return _Piece(path, self.start + (index - 1) * (layout.split or 0), layout.split)


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")
