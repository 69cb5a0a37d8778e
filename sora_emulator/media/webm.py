"""Sora's WebM container: the element order and values of the files Sora itself writes, which hisui requires.

Shiguredo's hisui (and sora-archive-compositor, with the same reader) reads a recording's WebM strictly in
order and refuses anything else (reference recording-files.md W1-W14; compared with a WebM Sora wrote). FFmpeg's
WebM muxer cannot write that shape: its MuxingApp is "Lavf...", it writes Tags, the last Opus packet as a
BlockGroup, and a lone audio stream as track 1. Post-processing its output would mean re-laying the whole file,
so the container is written here instead: ebmlite (a maintained EBML library) encodes every element from our
WebM schema (webm.xml: names and IDs of RFC 9559); this module decides only what Sora decides, the order:

    EBML header: EBMLVersion 1, EBMLReadVersion 1, EBMLMaxIDLength 4, EBMLMaxSizeLength 8, "webm", 4, 2
    Segment (known size) {
      SeekHead + Void     space reserved at the start, written at close (Info, Tracks, Cues)
      Info                TimestampScale 1 ms, MuxingApp = WritingApp = "WebRTC SFU Sora", SegmentUUID, Duration
      Tracks              TrackNumber first in each TrackEntry; video track 1, audio track 2 (also audio-only)
      Cluster...          known size, Timestamp first (the first Cluster at 0), SimpleBlocks only, no lacing
      Cues                right after the last Cluster
    }

Encoding stays in PyAV (media/outputs.py hands over packets). A Cluster is held in memory until the next video
key frame starts another (or its blocks' 16-bit time offsets would overflow), then written; what is known only
at the end (sizes, Duration, positions) is written in place at close. Every top-level element passes through
`change` (the container seam, media/seams.py) just before it is encoded.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

import ebmlite
from ebmlite import encoding
from ebmlite.core import MasterElement

from .seams import Element, ElementChange

SCHEMA = ebmlite.loadSchema(str(Path(__file__).with_name("webm.xml")))
SORA = "WebRTC SFU Sora"
VIDEO_TRACK, AUDIO_TRACK = 1, 2
RESERVED = 128  # bytes kept after the Segment's start for the SeekHead written at close
OFFSET_RANGE = range(-32768, 32768)  # a block's time offset from its Cluster (signed 16 bits, ms)
SIZE_BYTES = 8  # the Segment's size is written in place at close: a fixed-width size field


@dataclass(frozen=True)
class Block:
    """One frame: `time` in ms from its Cluster's Timestamp; `duration_ms` how long it plays."""

    track: int
    time: int
    key: bool
    data: bytes
    duration_ms: int = 0

    def encode(self) -> bytes:
        # A block's own header (track number as a 1-byte vint, signed 16-bit time, flags) is below EBML's
        # element level, so ebmlite leaves it to its user: 4 bytes, keyframe flag 0x80, lacing bits 0 (none).
        return bytes([0x80 | self.track]) + struct.pack(">hB", self.time, 0x80 if self.key else 0) + self.data


def encode(element: Element) -> bytes:
    name, value = element
    kind = SCHEMA[name]
    if issubclass(kind, MasterElement):
        payload = b"".join(encode(child) for child in value)
        return bytes(encoding.encodeId(kind.id) + encoding.encodeSize(len(payload)) + payload)
    if isinstance(value, Block):
        value = value.encode()
    return bytes(kind.encode(value, length=8 if name == "Duration" else None))  # Duration: rewritten in place


def video_track(width: int, height: int, frame_ns: int) -> Element:
    return ("TrackEntry", [("TrackNumber", VIDEO_TRACK), ("TrackUID", VIDEO_TRACK), ("FlagLacing", 0),
                           ("Language", "und"), ("CodecName", "VP8"), ("CodecID", "V_VP8"), ("TrackType", 1),
                           ("DefaultDuration", frame_ns),
                           ("Video", [("PixelWidth", width), ("PixelHeight", height), ("DisplayWidth", width),
                                      ("DisplayHeight", height)])])


def opus_track(opus_head: bytes, codec_delay_ns: int) -> Element:
    return ("TrackEntry", [("TrackNumber", AUDIO_TRACK), ("TrackUID", AUDIO_TRACK), ("FlagLacing", 0),
                           ("Language", "und"), ("FlagDefault", 0), ("CodecID", "A_OPUS"),
                           ("CodecDelay", codec_delay_ns), ("SeekPreRoll", 80_000_000), ("TrackType", 2),
                           ("Audio", [("Channels", 2), ("SamplingFrequency", 48000.0)]),
                           ("CodecPrivate", opus_head)])


class SoraWebm:
    """A WebM file being written; `block` takes frames in arrival order, `close` finalises the file."""

    def __init__(self, path: Path, tracks: list[Element], change: ElementChange) -> None:
        self._file = path.open("wb")
        self._change = change
        self._has_video = any(("TrackNumber", VIDEO_TRACK) in entry[1] for entry in tracks)
        self._segment_at = 0  # positions in SeekHead and Cues count from the Segment's data
        self._write(("EBML", [("EBMLVersion", 1), ("EBMLReadVersion", 1), ("EBMLMaxIDLength", 4),
                              ("EBMLMaxSizeLength", 8), ("DocType", "webm"), ("DocTypeVersion", 4),
                              ("DocTypeReadVersion", 2)]))
        self._file.write(encoding.encodeId(SCHEMA["Segment"].id))
        self._segment_size_at = self._file.tell()
        self._file.write(encoding.encodeSize(0, SIZE_BYTES))
        self._segment_at = self._file.tell()
        self._file.write(bytes(RESERVED))
        self._uuid = os.urandom(16)
        self._duration_ms = 0
        self._positions = {"Info": self._write(self._info())}
        self._positions["Tracks"] = self._write(("Tracks", tracks))
        self._cluster: list[Element] = []
        self._cluster_time: int | None = None
        self._cluster_has_video = False
        self._cues: list[Element] = []

    def block(self, track: int, at_ms: int, key: bool, data: bytes, duration_ms: int = 0) -> None:
        if self._needs_cluster(track, at_ms, key):
            self._flush_cluster()
            first = self._cluster_time is None
            self._cluster_time = 0 if first and at_ms in OFFSET_RANGE else at_ms  # the first Cluster at 0
            self._cluster = [("Timestamp", self._cluster_time)]
            self._cluster_has_video = False
        assert self._cluster_time is not None
        self._cluster.append(("SimpleBlock", Block(track, at_ms - self._cluster_time, key or track == AUDIO_TRACK,
                                                   data, duration_ms)))  # Sora flags audio key
        self._cluster_has_video |= track == VIDEO_TRACK
        self._duration_ms = max(self._duration_ms, at_ms + duration_ms)

    def close(self) -> None:
        self._flush_cluster()
        if self._cues:
            self._positions["Cues"] = self._write(("Cues", self._cues))
        end = self._file.tell()
        self._rewrite(self._positions["Info"], b"".join(encode(e) for e in self._change(self._info())))
        self._rewrite(0, self._seek_head())
        self._file.seek(self._segment_size_at)
        self._file.write(encoding.encodeSize(end - self._segment_at, SIZE_BYTES))
        self._file.close()

    # --- elements -------------------------------------------------------------------------------
    def _needs_cluster(self, track: int, at_ms: int, key: bool) -> bool:
        if self._cluster_time is None or at_ms - self._cluster_time not in OFFSET_RANGE:
            return True
        return track == VIDEO_TRACK and key and self._cluster_has_video  # a video key frame starts a Cluster

    def _info(self) -> Element:
        return ("Info", [("TimestampScale", 1_000_000), ("MuxingApp", SORA), ("WritingApp", SORA),
                         ("SegmentUUID", self._uuid), ("Duration", float(self._duration_ms))])

    def _seek_head(self) -> bytes:
        seeks = [("Seek", [("SeekID", bytes(encoding.encodeId(SCHEMA[name].id))), ("SeekPosition", at)])
                 for name, at in self._positions.items()]
        head = encode(("SeekHead", seeks))
        return head + bytes(SCHEMA["Void"].encode(None, length=RESERVED - len(head) - 9, lengthSize=8))

    def _flush_cluster(self) -> None:
        if len(self._cluster) < 2:  # no Cluster yet, or only its Timestamp
            return
        assert self._cluster_time is not None
        at = self._write(("Cluster", self._cluster))
        track = VIDEO_TRACK if self._has_video else AUDIO_TRACK
        self._cues.append(("CuePoint", [("CueTime", self._cluster_time), ("CueTrackPositions", [
            ("CueTrack", track), ("CueClusterPosition", at)])]))
        self._cluster = []

    def _write(self, element: Element) -> int:
        """Writes what the seam makes of `element`; returns where it starts, from the Segment's data."""
        start = self._file.tell() - self._segment_at
        for written in self._change(element):
            self._file.write(encode(written))
        return start

    def _rewrite(self, at: int, data: bytes) -> None:
        """What is known only at the end, written in place over its placeholder of the same size."""
        self._file.seek(self._segment_at + at)
        self._file.write(data)
        self._file.seek(0, os.SEEK_END)
