"""One media file being written: frames encoded by PyAV (FFmpeg's encoders), muxed as `Muxing` says.

WebM: VP8 + Opus in Sora's own container (media/webm.py). MP4: H.264 + Opus through FFmpeg's MP4 muxer,
non-fragmented with one `moov`; libx264 repeats SPS / PPS in band before every key frame (`repeat-headers`), as
a WebRTC H.264 sender delivers them and Sora stores them (hisui builds before 2026-03 decode nothing else), and
FFmpeg keeps them in avcC too. Both muxers get the same encoders with the same settings, so a fault that picks
FFmpeg's WebM muxer (media/seams.py) changes the container around the same media.
"""
from __future__ import annotations

import fractions
from pathlib import Path
from typing import Any, Protocol

import av
from av.bitstream import BitStreamFilterContext

from . import webm
from .seams import SORA_WEBM, ElementChange, MediaChanges, Muxing, default_muxing

MS = fractions.Fraction(1, 1000)
AUDIO_RATE = 48000
SAMPLE = fractions.Fraction(1, AUDIO_RATE)
FPS = 10  # the rate the encoders are tuned for; timestamps come from the clock
VIDEO_CODECS = {  # container -> encoder and its cheapest realtime settings (one thread each)
    "webm": ("libvpx", {"deadline": "realtime", "cpu-used": "16", "threads": "1"}),
    "mp4": ("libx264", {"preset": "ultrafast", "tune": "zerolatency", "threads": "1",
                        "x264-params": "repeat-headers=1"}),
}


class MediaFile(Protocol):
    def video(self, frame: Any, ms: int) -> None:
        """A yuv420p frame at the file's size, `ms` after the file's start."""

    def audio(self, frame: Any, sample: int) -> None:
        """A 48 kHz stereo s16 frame starting `sample` samples after the file's start."""

    def close(self) -> None:
        """Encodes what the encoders still hold and finalises the file."""


def open_file(path: Path, container_format: str, video_size: tuple[int, int] | None, audio: bool,
              changes: MediaChanges, fps: int = FPS) -> MediaFile:
    """`fps`: the video's nominal rate (each frame's duration where the container records one)."""
    muxing = changes.muxing(default_muxing(container_format))
    if muxing.muxer == SORA_WEBM:
        return SoraWebmFile(path, video_size, audio, changes.element, fps)
    return FFmpegFile(path, muxing, video_size, audio, fps)


def _video_encoder(container_format: str, width: int, height: int, fps: int) -> Any:
    codec, options = VIDEO_CODECS[container_format]
    encoder: Any = av.CodecContext.create(codec, "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuv420p"
    encoder.time_base, encoder.framerate, encoder.options = MS, fps, dict(options)
    return encoder


def _opus_encoder() -> Any:
    encoder: Any = av.CodecContext.create("libopus", "w")
    encoder.sample_rate, encoder.layout, encoder.format, encoder.time_base = AUDIO_RATE, "stereo", "s16", SAMPLE
    encoder.open()  # its OpusHead (extradata) goes into the track header
    return encoder


class SoraWebmFile:
    def __init__(self, path: Path, video_size: tuple[int, int] | None, audio: bool, change: ElementChange,
                 fps: int) -> None:
        self._video = _video_encoder("webm", *video_size, fps) if video_size else None
        self._audio = _opus_encoder() if audio else None
        self._frame_ms = 1000 // fps
        tracks = [webm.video_track(*video_size, 10**9 // fps)] if video_size else []
        if self._audio is not None:
            delay_ns = self._audio.initial_padding * 10**9 // AUDIO_RATE
            tracks.append(webm.opus_track(bytes(self._audio.extradata), delay_ns))
        self._file = webm.SoraWebm(path, tracks, change)

    def video(self, frame: Any, ms: int) -> None:
        assert self._video is not None
        frame.pts, frame.time_base = ms, MS
        self._video_packets(self._video.encode(frame))

    def audio(self, frame: Any, sample: int) -> None:
        assert self._audio is not None
        frame.pts, frame.time_base = sample, SAMPLE
        self._audio_packets(self._audio.encode(frame))

    def close(self) -> None:
        if self._video is not None:
            self._video_packets(self._video.encode(None))
        if self._audio is not None:
            # The flush holds only the encoder's lookahead (its last 6.5 ms) padded to a whole 20 ms packet. A
            # SimpleBlock cannot carry the DiscardPadding that trims it, so readers (hisui) would count 20 ms more
            # per file, a second more per fifty split pieces. Sora stores the sender's packets one for one: none.
            self._audio.encode(None)
        self._file.close()

    def _video_packets(self, packets: list[Any]) -> None:
        for packet in packets:
            self._file.block(webm.VIDEO_TRACK, int(packet.pts), packet.is_keyframe, bytes(packet), self._frame_ms)

    def _audio_packets(self, packets: list[Any]) -> None:
        assert self._audio is not None
        for packet in packets:
            # A block's time is the packet's before the codec delay (Matroska's CodecDelay), in ms.
            start = packet.pts + self._audio.initial_padding
            self._file.block(webm.AUDIO_TRACK, start * 1000 // AUDIO_RATE, True, bytes(packet),
                             packet.duration * 1000 // AUDIO_RATE)


class FFmpegFile:
    def __init__(self, path: Path, muxing: Muxing, video_size: tuple[int, int] | None, audio: bool,
                 fps: int) -> None:
        self._container = av.open(str(path), "w", format=muxing.format, options=dict(muxing.options))
        self._format = muxing.format
        self._video: Any = None
        self._audio: Any = None
        self._filter: Any = None
        self._filter_name = muxing.video_filter
        if video_size is not None:
            codec, options = VIDEO_CODECS[muxing.format]
            self._video = self._container.add_stream(codec, rate=fps)
            self._video.width, self._video.height = video_size
            self._video.pix_fmt = "yuv420p"
            self._video.codec_context.time_base = MS
            self._video.options = dict(options)
        if audio:
            self._audio = self._container.add_stream("libopus", rate=AUDIO_RATE)
            self._audio.layout = "stereo"

    def video(self, frame: Any, ms: int) -> None:
        frame.pts, frame.time_base = ms, MS
        self._mux_video(self._video.encode(frame))

    def audio(self, frame: Any, sample: int) -> None:
        frame.pts, frame.time_base = sample, SAMPLE
        self._container.mux(self._audio.encode(frame))

    def close(self) -> None:
        if self._video is not None:
            self._mux_video(self._video.encode())
            if self._filter is not None:
                self._container.mux(self._filter.filter(None))
        if self._audio is not None:
            flushed = self._audio.encode()
            if self._format == "mp4":
                # The flush is the encoder's lookahead padded to a whole packet; MP4 trims it in an edit list,
                # which readers (hisui, M8) ignore: 20 ms more per file. Sora stores the sender's packets, none.
                flushed = []
            self._container.mux(flushed)
        self._container.close()

    def _mux_video(self, packets: list[Any]) -> None:
        if self._filter_name is not None:
            self._filter = self._filter or BitStreamFilterContext(self._filter_name, self._video, self._video)
            packets = [out for packet in packets for out in self._filter.filter(packet)]
        self._container.mux(packets)
