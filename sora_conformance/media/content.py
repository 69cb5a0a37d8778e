"""What a recorded media file holds, read with PyAV: the colour and number of each frame, the audio's dominant
tone and when the media starts and ends. Decoding stops at the first error (a truncated file): what decoded so
far is kept and the error is reported beside it. A file cut off mid-write may decode its first part without
any error: `shortfall` compares what decoded with the interval the file's JSON (or its container) states.

Tolerances are ours (the docs only say an archive holds the connection's media), stated here once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np

from . import counter
from .signature import PALETTE, Signature

MOST = 0.8  # "most frames": the share of a file's frames that must carry its connection's colour
COLOUR_DISTANCE = 60.0  # RGB distance within which a frame's mean colour is a palette colour (VP8 drifts ~10)
TONE_TOLERANCE_HZ = 25.0  # Opus and a short FFT window move a pure tone by a few Hz
SILENCE_RMS = 200.0  # int16 scale; the senders' tone has an RMS of ~5,600
DURATION_TOLERANCE = 0.4  # seconds: media span vs the interval it records (start-up key frame, 10 fps)
SPLIT_TOLERANCE = 0.35  # seconds: where a split piece's media starts and ends within its interval
MAX_MISSING_FRAMES = 3  # frames lost in a row (0.3 s at 10 fps): a sender's encoder may drop one under load
AUDIO_MIN_SECONDS = 0.4  # shorter audio (a split tail) is too short to name its tone
NUMBERS_MIN_SECONDS = 0.4  # shorter video (a split tail of a frame or two) has too few numbers to follow
CUT_SHARE = 1 - MOST  # media may miss a fifth of its interval (and the tolerance) before the file counts as cut
ANALYSIS_RATE = 16000


@dataclass(frozen=True)
class Interval:
    """What a file says it covers, in seconds, and how finely it says it: its JSON's start_timestamp /
    stop_timestamp (ms), else start_time_offset / stop_time_offset (whole seconds, as hisui reads them), else its
    container's own duration."""

    start: float
    stop: float
    resolution: float

    @property
    def seconds(self) -> float:
        return self.stop - self.start


def stated_interval(meta: Any) -> Interval | None:
    """The interval an archive JSON states (None when it states none)."""
    if not isinstance(meta, dict):
        return None
    start, stop = _epoch(meta.get("start_timestamp")), _epoch(meta.get("stop_timestamp"))
    if start is not None and stop is not None:
        return Interval(start, stop, 0.001)
    start_offset, stop_offset = meta.get("start_time_offset"), meta.get("stop_time_offset")
    if type(start_offset) is int and type(stop_offset) is int:
        return Interval(float(start_offset), float(stop_offset), 1.0)
    return None


def shortfall(span: float, interval: Interval) -> float | None:
    """Seconds by which media spanning `span` falls short of `interval`, when that is more than a late first key
    frame or an early stop explains (the duration tolerance and the interval's resolution, or a fifth of the
    interval, whichever is more): the file lost its end. None when the media covers its interval."""
    missing = interval.seconds - span
    allowed = max(DURATION_TOLERANCE + interval.resolution, CUT_SHARE * interval.seconds)
    return missing if missing > allowed else None


def _epoch(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


@dataclass
class MediaContent:
    name: str
    colours: list[tuple[int, int, int]] = field(default_factory=list)  # mean RGB of each video frame
    numbers: list[int | None] = field(default_factory=list)  # each video frame's number (None: unreadable)
    video_start: float | None = None
    video_end: float | None = None
    audio_seconds: float = 0.0
    audio_start: float | None = None
    audio_end: float | None = None
    tone_hz: float | None = None  # None: no audio, or silence
    audio_rms: float = 0.0
    stated_duration: float | None = None  # what the container says it lasts (WebM Info Duration, MP4 mvhd)
    error: str | None = None

    @property
    def start(self) -> float | None:
        starts = [t for t in (self.video_start, self.audio_start) if t is not None]
        return min(starts) if starts else None

    @property
    def end(self) -> float | None:
        ends = [t for t in (self.video_end, self.audio_end) if t is not None]
        return max(ends) if ends else None

    @property
    def span(self) -> float:
        """Seconds from where the media starts to where it ends (0 when nothing decoded)."""
        return (self.end or 0.0) - (self.start or 0.0) if self.start is not None else 0.0

    def share(self, sig: Signature) -> float:
        """The share of video frames carrying `sig`'s colour (0 when there are none)."""
        return _share(self.colours, sig.colour)

    def frames_of(self, sig: Signature) -> int:
        return sum(1 for c in self.colours if _near(c, sig.colour))

    @property
    def tone_judgeable(self) -> bool:
        """Audio long enough to name its tone (a split tail may hold a few packets)."""
        return self.audio_seconds >= AUDIO_MIN_SECONDS

    @property
    def numbers_judgeable(self) -> bool:
        """Video long enough for its frame numbers to say whether frames went missing."""
        return self.video_start is not None and (self.video_end or 0.0) - self.video_start >= NUMBERS_MIN_SECONDS

    @property
    def readable_numbers(self) -> list[int]:
        return [n for n in self.numbers if n is not None]

    def frame_gaps(self) -> list[str]:
        """Where the readable frame numbers do not follow each other (MAX_MISSING_FRAMES allowed). Frames whose
        number does not read say nothing either way, so fewer than two readable numbers, or unreadable ones in
        more than the share MOST leaves (frames a reader could not follow), are a problem too."""
        readable = self.readable_numbers
        if len(readable) < 2 or len(readable) < MOST * len(self.numbers):
            return [f"only {len(readable)} of {len(self.numbers)} video frames carry a readable frame number"]
        return counter.gaps(readable, MAX_MISSING_FRAMES)

    def summary(self) -> dict[str, Any]:
        named = {f"{c}": self.colours.count(c) for c in sorted(set(self.colours))[:6]}
        readable = self.readable_numbers
        numbers = f"{readable[0]}..{readable[-1]} ({len(readable)} readable)" if readable else "none readable"
        return {"file": self.name, "video_frames": len(self.colours), "colours (first 6)": named,
                "frame numbers": numbers,
                "video": [self.video_start, self.video_end], "audio": [self.audio_start, self.audio_end],
                "tone_hz": self.tone_hz, "audio_rms": round(self.audio_rms), "span": round(self.span, 3),
                "container says": self.stated_duration, "error": self.error}


def read_media(path: Path) -> MediaContent:
    content = MediaContent(path.name)
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        content.error = f"cannot open: {exc}"
        return content
    samples: list[np.ndarray] = []
    resampler = av.AudioResampler(format="s16", layout="mono", rate=ANALYSIS_RATE)
    with container:
        if container.duration is not None:
            content.stated_duration = container.duration / 1e6
        streams = [s for s in (container.streams.video[:1] + container.streams.audio[:1])]
        try:
            for packet in container.demux(streams):
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame):
                        _add_video(content, frame)
                    else:
                        _add_audio(content, frame, resampler, samples)
        except (av.FFmpegError, ValueError) as exc:  # a cut-off file: keep what decoded
            content.error = f"decoding stopped: {exc}"
    if samples:
        _analyse_audio(content, np.concatenate(samples))
    return content


def _add_video(content: MediaContent, frame: Any) -> None:
    if frame.time is None:
        return
    rgb = frame.to_ndarray(format="rgb24")
    below_band = rgb[counter.band_rows(frame.height) + frame.height // 30::4, ::4].reshape(-1, 3)  # past its blur
    content.colours.append(_snap(tuple(int(v) for v in below_band.mean(axis=0))))
    content.numbers.append(counter.read(rgb))
    content.video_start = frame.time if content.video_start is None else min(content.video_start, frame.time)
    # a frame lasts until the next; the last one gets the senders' 10 fps interval
    content.video_end = max(content.video_end or 0.0, frame.time + 0.1)


def _add_audio(content: MediaContent, frame: Any, resampler: Any, samples: list[np.ndarray]) -> None:
    if frame.time is not None:
        content.audio_start = frame.time if content.audio_start is None else min(content.audio_start, frame.time)
        content.audio_end = max(content.audio_end or 0.0, frame.time + frame.samples / frame.sample_rate)
    for mono in resampler.resample(frame):
        samples.append(mono.to_ndarray().reshape(-1))


def _analyse_audio(content: MediaContent, signal: np.ndarray) -> None:
    content.audio_seconds = len(signal) / ANALYSIS_RATE
    values = signal.astype(np.float64)
    content.audio_rms = float(np.sqrt(np.mean(values**2))) if len(values) else 0.0
    if content.audio_seconds < AUDIO_MIN_SECONDS or content.audio_rms < SILENCE_RMS:
        return
    spectrum = np.abs(np.fft.rfft(values * np.hanning(len(values))))
    spectrum[: int(100 * len(values) / ANALYSIS_RATE)] = 0  # below 100 Hz: hum and DC, never a signature
    content.tone_hz = float(np.argmax(spectrum) * ANALYSIS_RATE / len(values))


def tone_matches(content: MediaContent, sig: Signature) -> bool:
    return content.tone_hz is not None and abs(content.tone_hz - sig.tone_hz) <= TONE_TOLERANCE_HZ


def _near(colour: tuple[int, int, int], target: tuple[int, int, int]) -> bool:
    return sum((a - b) ** 2 for a, b in zip(colour, target, strict=True)) <= COLOUR_DISTANCE**2


def _snap(colour: tuple[int, ...]) -> tuple[int, int, int]:
    """The palette colour a frame is near, else its own colour rounded (so the evidence groups frames)."""
    for target in PALETTE:
        if _near((colour[0], colour[1], colour[2]), target):
            return target
    return (colour[0] // 10 * 10, colour[1] // 10 * 10, colour[2] // 10 * 10)


def _share(colours: list[tuple[int, int, int]], target: tuple[int, int, int]) -> float:
    return sum(1 for c in colours if _near(c, target)) / len(colours) if colours else 0.0
