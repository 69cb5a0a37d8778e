"""Writes what one connection sends, while its archive is open, into WebM or MP4 files as it arrives.

Decoded frames (media/tap.py) are re-encoded at the sender's size: aiortc hands over decoded frames, and
re-encoding lets every file, split pieces included, start on a key frame. WebM gets VP8 + Opus, what Sora
stores for the suite's VP8 senders. MP4 gets H.264 + Opus: Sora stores the sender's codec without transcoding
(VP8 in MP4 too), but FFmpeg's MP4 muxer cannot write VP8, so the emulator writes H.264, the codec Sora stores
for an H.264 sender, beside the Opus Sora writes into MP4. Timestamps are the wall-clock time since the file's
own start, so a file lasts as long as the interval it records. A split layout starts a new file every `split`
seconds from the archive's start. Everything here runs in aiortc's decoder threads (one per kind), serialised
by one lock; `close` runs in a worker thread.
"""
from __future__ import annotations

import fractions
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np

from ..behaviour import Behaviour

MS = fractions.Fraction(1, 1000)
AUDIO_RATE = 48000
PENDING_AUDIO_MAX = 100  # 2 s of 20 ms frames held while the first video frame is awaited
GAP = 0.6  # seconds lost at the end of every split piece when the pieces are not contiguous
DROPPED = (0.3, 0.9)  # seconds into a file whose video frames are lost when frames are not all kept
VIDEO_CODECS = {  # container -> encoder and its cheapest realtime settings (one thread each)
    "webm": ("libvpx", {"deadline": "realtime", "cpu-used": "16", "threads": "1"}),
    "mp4": ("libx264", {"preset": "ultrafast", "tune": "zerolatency", "threads": "1"}),
}


@dataclass(frozen=True)
class Layout:
    """Where a connection's media goes: `stem(index)` names the file; `split` cuts it every that many seconds."""

    stem: Callable[[int], str]
    split: float | None = None


@dataclass
class _Piece:
    path: Path
    start: float
    container: Any = None
    video: Any = None
    audio: Any = None
    last_video_ms: int = -1
    audio_samples: int | None = None
    pending_audio: list[Any] = field(default_factory=list)


class ArchiveMedia:
    def __init__(self, directory: Path, layouts: list[Layout], start: float, has_video: bool, has_audio: bool,
                 behaviour: Behaviour, clock: Callable[[], float], container_format: str = "webm") -> None:
        self.directory = directory
        self.container_format = container_format
        self.layouts = layouts
        self.start = start
        self.has_video = has_video
        self.has_audio = has_audio
        self.behaviour = behaviour
        self.clock = clock
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
            if not self.behaviour.archive_keeps_content or (kind == "audio" and not self.behaviour.archive_keeps_audio):
                frame = _blank(kind, frame)
            if kind == "video":
                self._last_video = frame
            for number, layout in enumerate(self.layouts):
                piece = self._piece_at(number, layout, now)
                if piece is not None:
                    self._encode(piece, kind, frame, now)

    def _piece_at(self, number: int, layout: Layout, now: float) -> _Piece | None:
        index = 1 + (int((now - self.start) // layout.split) if layout.split else 0)
        current = self._pieces.get(number)
        if current is None or current[0] != index:
            if current is not None:
                self._finish(current[1])
                for skipped in range(current[0] + 1, index):  # a stall longer than a piece
                    self._finish(self._new_piece(layout, skipped))
            current = (index, self._new_piece(layout, index))
            self._pieces[number] = current
        if layout.split and not self.behaviour.split_pieces_contiguous and now - current[1].start >= layout.split - GAP:
            return None
        return current[1]

    def _encode(self, piece: _Piece, kind: str, frame: Any, now: float) -> None:
        if kind == "audio" and self.has_video and piece.video is None:
            piece.pending_audio = [*piece.pending_audio, (frame, now)][-PENDING_AUDIO_MAX:]
            return
        if piece.container is None:
            self._open(piece, frame if kind == "video" else None)
            for held, at in piece.pending_audio:
                self._encode_audio(piece, held, at)
            piece.pending_audio = []
        if kind == "video":
            self._encode_video(piece, frame, now)
        else:
            self._encode_audio(piece, frame, now)

    def _open(self, piece: _Piece, first_video: Any) -> None:
        piece.container = av.open(str(_tmp(piece.path)), "w", format=self.container_format)
        if first_video is not None:
            codec, options = VIDEO_CODECS[self.container_format]
            piece.video = piece.container.add_stream(codec, rate=10)
            piece.video.width, piece.video.height = first_video.width & ~1, first_video.height & ~1  # H.264: even
            piece.video.pix_fmt = "yuv420p"
            piece.video.codec_context.time_base = MS
            piece.video.options = options
        if self.has_audio:
            piece.audio = piece.container.add_stream("libopus", rate=AUDIO_RATE)
            piece.audio.layout = "stereo"

    def _encode_video(self, piece: _Piece, frame: Any, now: float) -> None:
        if piece.video is None:
            return  # the file was opened audio-only: the sender's video came too late to add a stream
        if (frame.width, frame.height) != (piece.video.width, piece.video.height):
            frame = frame.reformat(piece.video.width, piece.video.height, "yuv420p")
        pts = max(piece.last_video_ms + 1, round((now - piece.start) * 1000))
        if not self.behaviour.archive_keeps_every_frame and DROPPED[0] * 1000 <= pts < DROPPED[1] * 1000:
            return  # a run of frames lost mid-file; the file still lasts its interval
        piece.last_video_ms = pts
        frame.pts, frame.time_base = pts, MS
        piece.container.mux(piece.video.encode(frame))

    def _encode_audio(self, piece: _Piece, frame: Any, now: float) -> None:
        if piece.audio is None:
            return
        if piece.audio_samples is None:  # the first frame is placed by the clock, the rest follow on
            piece.audio_samples = max(0, round((now - piece.start) * AUDIO_RATE) - frame.samples)
        if frame.format.name != "s16" or frame.layout.name != "stereo" or frame.sample_rate != AUDIO_RATE:
            return  # aiortc's Opus decoder gives 48 kHz stereo s16; anything else is not ours to guess
        frame.pts, frame.time_base = piece.audio_samples, fractions.Fraction(1, AUDIO_RATE)
        piece.audio_samples += frame.samples
        piece.container.mux(piece.audio.encode(frame))

    # --- files out ------------------------------------------------------------------------------
    def _finish(self, piece: _Piece) -> None:
        if piece.container is None and self._last_video is not None and self.has_video:
            # No video arrived within this piece (a short tail): it holds the connection's last picture.
            self._encode(piece, "video", self._last_video, piece.start)
        elif piece.container is None and piece.pending_audio:  # the video never came: the audio alone
            self._open(piece, None)
            for held, at in piece.pending_audio:
                self._encode_audio(piece, held, at)
        if piece.container is None:
            return
        for stream in (piece.video, piece.audio):
            if stream is not None:
                piece.container.mux(stream.encode())
        piece.container.close()
        tmp = _tmp(piece.path)
        if not self.behaviour.archive_files_complete:
            os.truncate(tmp, tmp.stat().st_size // 2)  # a file cut off mid-write, as a crash leaves it
        os.replace(tmp, piece.path)

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
        return _Piece(path, self.start + (index - 1) * (layout.split or 0))


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def _blank(kind: str, frame: Any) -> Any:
    if kind == "video":
        black = np.zeros((frame.height, frame.width, 3), np.uint8)
        return av.VideoFrame.from_ndarray(black, format="rgb24").reformat(format="yuv420p")
    silent = av.AudioFrame.from_ndarray(np.zeros((1, frame.samples * 2), np.int16), format="s16", layout="stereo")
    silent.sample_rate = frame.sample_rate
    return silent
