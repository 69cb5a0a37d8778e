"""An MP4 archive against what Shiguredo's readers take (hisui's recording_mp4_reader.rs and the shiguredo_mp4
demuxer; no MP4 written by Sora is public): rules M1-M10 of ../shared/reference/recording-files.md.

The box tree is read with hachoir (a maintained, lazy parser of ISO base media files: a box's data is read only
when a field inside it is asked for, so an mdat of any size costs nothing). pymp4 was not used: it reads every
box whole, mdat included, and pins construct 2.8. The samples are read with PyAV (FFmpeg's demuxer, which the
project already uses to decode): where each sample starts, and the NAL units of H.264 key frames.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import av
import hachoir.core.config
from hachoir.parser.container.mp4 import MP4File
from hachoir.stream import InputIOStream

from . import FINALISED, MP4_SHAPE, ContainerReport

hachoir.core.config.quiet = True  # hachoir prints its repairs of a damaged file to stderr; the findings say it
VIDEO_ENTRIES = ("avc1", "hev1", "hvc1", "vp08", "vp09", "av01")
NAL_SPS, NAL_PPS = 7, 8
MAX_BOXES = 10_000  # top-level boxes; Sora writes four or five


def check(handle: BinaryIO, path: Path) -> ContainerReport:
    report = ContainerReport("mp4")
    try:
        moov = _top_level(MP4File(InputIOStream(handle, source=path.name)), report)
        if moov is not None:
            _movie(moov, report)
    except Exception as exc:  # noqa: BLE001 - hachoir raises many kinds on a hostile file: each is a finding
        report.add(MP4_SHAPE, "M1", f"not an MP4 box structure: {type(exc).__name__}: {exc}")
        return report
    if FINALISED not in report.clauses():
        _samples(path, report)
    return report


def _top_level(root: Any, report: ContainerReport) -> Any:
    """ftyp first (M1), no fragments (M3), every box inside the file and a moov (FILE-FINALISED); the moov."""
    moov = None
    for index, box in enumerate(root):
        if index >= MAX_BOXES:
            report.add(MP4_SHAPE, "M1", f"more than {MAX_BOXES} top-level boxes")
            break
        tag = box["tag"].value
        if index == 0 and tag != "ftyp":
            report.add(MP4_SHAPE, "M1", f"expected ftyp as the first box, found {tag!r}")
        declared = _declared_size(box)
        if declared is not None and declared > box.size // 8:
            report.add(FINALISED, "M1", f"cut off: the {tag} box at byte {box.address // 8} declares {declared} "
                                        f"bytes, the file holds {box.size // 8} of them")
        if tag in ("moof", "mfra", "sidx"):
            report.add(MP4_SHAPE, "M3", f"fragmented: a {tag} box at byte {box.address // 8} (hisui reads samples "
                                        "from the moov's sample tables only)")
        if tag == "moov" and moov is None:
            moov = box
    if moov is None:
        report.add(FINALISED, "M1", "no moov box: the file was never finalised (hisui: moov box not found)")
    return moov


def _declared_size(box: Any) -> int | None:
    size = box["size"].value
    if size == 1 and "size64" in box:
        return int(box["size64"].value)
    return None if size == 0 else int(size)  # 0: the box runs to the end of the file


def _children(box: Any) -> Iterator[Any]:
    """The boxes inside a container box (moov, trak, mdia, minf, stbl)."""
    content = box[box.current_length - 1] if box.current_length > 2 else None
    if content is not None and content.is_field_set:
        yield from (field for field in content if field.name.startswith("atom["))


def _find(box: Any, *path: str) -> Any:
    for tag in path:
        box = next((child for child in _children(box) if child["tag"].value == tag), None)
        if box is None:
            return None
    return box


def _movie(moov: Any, report: ContainerReport) -> None:
    for box in _children(moov):
        tag = box["tag"].value
        if tag == "mvex":
            report.add(MP4_SHAPE, "M3", "fragmented: the moov has an mvex box (movie fragments follow)")
        elif tag == "trak":
            _track(box, report)


def _track(trak: Any, report: ContainerReport) -> None:
    handler = _find(trak, "mdia", "hdlr")
    kind = handler["hdlr/subtype"].value if handler is not None else ""
    stbl = _find(trak, "mdia", "minf", "stbl")
    stsd = _find(stbl, "stsd") if stbl is not None else None
    entry = stsd["stsd/sample_entry[0]"] if stsd is not None and stsd["stsd/count"].value else None
    codec = entry["format"].value.decode("latin-1") if entry is not None else ""
    number = len(report.tracks) + 1
    report.tracks[number] = codec
    if kind == "vide" and codec not in VIDEO_ENTRIES:
        report.add(MP4_SHAPE, "M5", f"video sample entry {codec or 'missing'}: hisui reads {', '.join(VIDEO_ENTRIES)}")
    if kind == "soun" and codec != "Opus":
        report.add(MP4_SHAPE, "M6", f"audio sample entry {codec or 'missing'}: expected Opus, what Sora records")
    if stbl is not None and _find(stbl, "ctts") is not None:
        report.add(MP4_SHAPE, "M7", f"the {codec} track has composition offsets (ctts): hisui refuses them")


def _samples(path: Path, report: ContainerReport) -> None:
    """Where samples start (the media span), the NAL length size (M9) and SPS / PPS in key frames (M10)."""
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError, ValueError) as exc:
        report.add(FINALISED, "M1", f"FFmpeg cannot open the file: {exc}")
        return
    with container:
        if container.duration is not None:
            report.stated_duration = container.duration / 1e6
        streams = list(container.streams.video[:1]) + list(container.streams.audio[:1])
        h264 = [s for s in streams if s.type == "video" and s.codec_context.name == "h264"]
        if h264 and not _four_byte_lengths(h264[0]):
            report.add(MP4_SHAPE, "M9", "H.264 NAL lengths are not 4 bytes (avcC lengthSizeMinusOne)")
        try:
            for packet in container.demux(streams):
                if packet.pts is not None and packet.time_base is not None:
                    report.note_time(float(packet.pts * packet.time_base))
                if h264 and packet.stream is h264[0] and packet.is_keyframe:
                    _key_frame(bytes(packet), report)
        except (av.FFmpegError, ValueError) as exc:
            report.add(FINALISED, "M1", f"the samples stop being readable: {exc}")


def _four_byte_lengths(stream: Any) -> bool:
    extradata = stream.codec_context.extradata or b""
    return len(extradata) > 4 and extradata[4] & 0x03 == 3


def _key_frame(sample: bytes, report: ContainerReport) -> None:
    """A key frame's NAL unit types. AVCC framing (a 4-byte big-endian length before each NAL unit) is read here:
    PyAV's bitstream filter to Annex B would copy the avcC's SPS / PPS in, hiding exactly what is checked."""
    types, pos = set(), 0
    while pos + 4 <= len(sample):
        length = int.from_bytes(sample[pos:pos + 4], "big")
        if length == 0 or pos + 4 + length > len(sample):
            break
        types.add(sample[pos + 4] & 0x1F)
        pos += 4 + length
    if not {NAL_SPS, NAL_PPS} <= types:
        report.add(MP4_SHAPE, "M10", f"an H.264 key frame carries NAL units {sorted(types)}: expected SPS (7) and "
                                     "PPS (8) in band, as a WebRTC sender sends them")
