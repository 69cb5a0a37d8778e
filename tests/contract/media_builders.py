"""Media files made in the tests: a Sora-shaped WebM built element by element with ebmlite's encoder, so that
each variant breaks one rule; and WebM / MP4 files FFmpeg writes (PyAV)."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import ebmlite
import numpy as np
from ebmlite import encoding

SCHEMA = ebmlite.loadSchema("matroska.xml")
UNKNOWN_SIZE = b"\x01\xff\xff\xff\xff\xff\xff\xff"
SORA = "WebRTC SFU Sora"


def leaf(name: str, value: object) -> bytes:
    return bytes(SCHEMA[name].encode(value))


def master(name: str, *children: bytes, unknown_size: bool = False) -> bytes:
    payload = b"".join(children)
    size = UNKNOWN_SIZE if unknown_size else encoding.encodeSize(len(payload))
    return encoding.encodeId(SCHEMA[name].id) + size + payload


def block_group(track: int, ms: int) -> bytes:
    """What FFmpeg writes for an Opus packet with end trimming: a Block (0xA1, not in ebmlite's schema) in a
    BlockGroup."""
    inner = bytes([0x80 | track]) + ms.to_bytes(2, "big", signed=True) + b"\x00" + b"\x10" * 12
    return master("BlockGroup", encoding.encodeId(0xA1) + encoding.encodeSize(len(inner)) + inner)


def block(track: int, ms: int, *, key: bool = True, flags: int = 0, track_bytes: bytes | None = None) -> bytes:
    number = track_bytes if track_bytes is not None else bytes([0x80 | track])
    head = number + ms.to_bytes(2, "big", signed=True) + bytes([(0x80 if key else 0) | flags])
    return leaf("SimpleBlock", head + b"\x10" * 12)


def video_track(number: int = 1, codec: str = "V_VP8") -> bytes:
    return master("TrackEntry", leaf("TrackNumber", number), leaf("TrackUID", number), leaf("CodecID", codec),
                  leaf("TrackType", 1), master("Video", leaf("PixelWidth", 160), leaf("PixelHeight", 120)))


def audio_track(number: int = 2, codec: str = "A_OPUS", opus_head: bool = True) -> bytes:
    private = [leaf("CodecPrivate", b"OpusHead\x01\x02\x00\x00\x80\xbb\x00\x00\x00\x00\x00")] if opus_head else []
    return master("TrackEntry", leaf("TrackNumber", number), leaf("TrackUID", number), leaf("CodecID", codec),
                  leaf("TrackType", 2), *private, master("Audio", leaf("Channels", 2)))


def cluster(ms: int, *blocks: bytes, unknown_size: bool = False) -> bytes:
    return master("Cluster", leaf("Timecode", ms), *blocks, unknown_size=unknown_size)


def media(seconds: float, *tracks: int) -> list[bytes]:
    """Blocks as Sora writes them: audio every 20 ms, video every 100 ms (10 fps), key frame first."""
    out = []
    for ms in range(0, round(seconds * 1000), 20):
        if 1 in tracks and ms % 100 == 0:
            out.append(block(1, ms, key=ms == 0))
        if 2 in tracks:
            out.append(block(2, ms))
    return out


@dataclass
class SoraWebm:
    """The parts of a WebM shaped as Sora writes one; a test replaces one part to break one rule."""

    header: list[bytes] = field(default_factory=lambda: [
        leaf("EBMLVersion", 1), leaf("EBMLReadVersion", 1), leaf("EBMLMaxIDLength", 4), leaf("EBMLMaxSizeLength", 8),
        leaf("DocType", "webm"), leaf("DocTypeVersion", 4), leaf("DocTypeReadVersion", 2)])
    before_info: list[bytes] = field(default_factory=lambda: [leaf("Void", b"\x00" * 16)])
    info: list[bytes] = field(default_factory=lambda: [
        leaf("TimecodeScale", 1_000_000), leaf("MuxingApp", SORA), leaf("WritingApp", SORA), leaf("Duration", 2000.0)])
    after_info: list[bytes] = field(default_factory=list)
    tracks: list[bytes] = field(default_factory=lambda: [video_track(), audio_track()])
    after_tracks: list[bytes] = field(default_factory=list)
    clusters: list[bytes] = field(default_factory=lambda: [cluster(0, *media(1.0, 1, 2)),
                                                          cluster(1000, *media(1.0, 1, 2))])
    after_clusters: list[bytes] = field(default_factory=lambda: [master("Cues", master(
        "CuePoint", leaf("CueTime", 0), master("CueTrackPositions", leaf("CueTrack", 1),
                                               leaf("CueClusterPosition", 0))))])
    segment_unknown_size: bool = False

    def encode(self) -> bytes:
        segment = master("Segment", *self.before_info, master("Info", *self.info), *self.after_info,
                         master("Tracks", *self.tracks), *self.after_tracks, *self.clusters, *self.after_clusters,
                         unknown_size=self.segment_unknown_size)
        return master("EBML", *self.header) + segment

    def write(self, path: Path) -> Path:
        path.write_bytes(self.encode())
        return path


def _picture(index: int) -> av.VideoFrame:
    image = np.full((120, 160, 3), (200, 40, 40), np.uint8)
    image[:16, : 8 * (index % 20)] = 255  # something that changes from frame to frame
    return av.VideoFrame.from_ndarray(image, format="rgb24")


def _sound(index: int) -> av.AudioFrame:
    t = (np.arange(960) + 960 * index) / 48000
    mono = (np.sin(2 * np.pi * 440 * t) * 6000).astype(np.int16)
    frame = av.AudioFrame.from_ndarray(np.stack([mono, mono], axis=1).reshape(1, -1), format="s16", layout="stereo")
    frame.sample_rate = 48000
    return frame


def ffmpeg_file(path: Path, *, seconds: float = 1.0, video: str | None = "libvpx", audio: str | None = "libopus",
                video_options: dict[str, str] | None = None, options: dict[str, str] | None = None) -> Path:
    """A file as FFmpeg's muxer writes it (PyAV): the container Sora's is compared with."""
    with av.open(str(path), "w", options=options or {}) as out:
        streams = []
        if video:
            v = out.add_stream(video, rate=10, options=video_options or {})
            v.width, v.height, v.pix_fmt = 160, 120, "yuv420p"
            streams.append(v)
        if audio:
            a = out.add_stream(audio, rate=48000, layout="stereo")
            streams.append(a)
        for tick in range(round(seconds / 0.02)):
            for stream in streams:
                if stream.type == "video" and tick % 5 == 0:
                    frame = _picture(tick // 5)
                    frame.pts, frame.time_base = tick // 5, Fraction(1, 10)
                    out.mux(stream.encode(frame))
                elif stream.type == "audio":
                    sound = _sound(tick)
                    sound.pts, sound.time_base = tick * 960, Fraction(1, 48000)
                    out.mux(stream.encode(sound))
        for stream in streams:
            out.mux(stream.encode(None))
    return path


def sora_like_mp4(path: Path, **changes: object) -> Path:
    """An MP4 as Sora's MP4 would be for an H.264 sender: SPS / PPS in every key frame, no B-frames, Opus."""
    video_options = {"x264-params": "repeat-headers=1:bframes=0", "g": "10"}
    params: dict[str, object] = {"video": "libx264", "video_options": video_options} | changes
    return ffmpeg_file(path, **params)  # type: ignore[arg-type]
