"""The rules Shiguredo's readers place on Sora's recording files (reference recording-files.md: W1-W14 WebM,
M1-M10 MP4), as small assertions for the emulator's own tests: each returns the rules a file breaks, [] if none.
WebM is read with ebmlite and the emulator's WebM schema, MP4 boxes with pymp4, H.264 samples with PyAV."""
from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any

import av
from ebmlite.core import MasterElement
from ebmlite.decoding import readElementID, readElementSize
from pymp4.parser import Box

from sora_emulator.media.webm import SCHEMA

SORA = "WebRTC SFU Sora"
EBML_HEADER = {"EBMLVersion": 1, "EBMLReadVersion": 1, "EBMLMaxIDLength": 4, "EBMLMaxSizeLength": 8,
               "DocType": "webm", "DocTypeVersion": 4, "DocTypeReadVersion": 2}


def _known_size(element: Any) -> bool:
    element.stream.seek(element.offset)
    readElementID(element.stream)
    return readElementSize(element.stream)[0] is not None


def _children(element: Any) -> list[Any]:
    return list(element) if isinstance(element, MasterElement) else []


def _values(element: Any) -> dict[str, Any]:
    return {child.name: child.value for child in element if not isinstance(child, MasterElement)}


def webm_problems(path: Path) -> list[str]:
    """Sora's container shape (W1-W13): header, Info, Tracks, Clusters of SimpleBlocks; [] when it has it."""
    document = SCHEMA.load(str(path))
    if document.info != EBML_HEADER:
        return [f"W1 EBML header {document.info}"]
    [segment] = [element for element in document if element.name == "Segment"]
    problems = [] if _known_size(segment) else ["W2 Segment of unknown size"]
    names = [element.name for element in segment]
    if "Info" not in names or names[names.index("Info") + 1:names.index("Info") + 2] != ["Tracks"]:
        problems.append(f"W5 Tracks not right after Info: {names}")
    info = segment[names.index("Info")] if "Info" in names else None
    if info is None or [(c.name, c.value) for c in list(info)[:3]] != [
            ("TimestampScale", 1_000_000), ("MuxingApp", SORA), ("WritingApp", SORA)]:
        problems.append("W4 Info does not start TimestampScale 1 ms, MuxingApp / WritingApp " + SORA)
    tracks = [_values(entry) for entry in segment[names.index("Tracks")]] if "Tracks" in names else []
    problems += _track_problems(segment[names.index("Tracks")]) if tracks else ["no Tracks"]
    audio = next((track.get("TrackNumber") for track in tracks if track.get("CodecID") == "A_OPUS"), None)
    for cluster in (element for element in segment if element.name == "Cluster"):
        problems += _cluster_problems(cluster, audio)
    if "Tags" in names:
        problems.append("Tags (Sora writes none)")
    return problems


def _track_problems(tracks: Any) -> list[str]:
    problems = []
    for entry in tracks:
        first = _children(entry)[0]
        values = _values(entry)
        if first.name != "TrackNumber":
            problems.append(f"W6 {first.name} before TrackNumber")
        wanted = {"V_VP8": 1, "A_OPUS": 2}.get(values.get("CodecID", ""))
        if values.get("TrackNumber") != wanted or values.get("TrackUID") != wanted:
            problems.append(f"W7/W8 {values.get('CodecID')} is track {values.get('TrackNumber')}")
    return problems


def _cluster_problems(cluster: Any, audio_track: int | None) -> list[str]:
    children = _children(cluster)
    problems = [] if _known_size(cluster) else ["W11 Cluster of unknown size"]
    if not children or children[0].name != "Timestamp":
        problems.append("W11 Cluster does not start with its Timestamp")
    for block in children[1:]:
        if block.name != "SimpleBlock":
            problems.append(f"W12 {block.name} in a Cluster")
        elif block.value[3] & 0x06:
            problems.append("W13 a laced SimpleBlock")
        elif block.value[0] == 0x80 | (audio_track or 0) and not block.value[3] & 0x80:
            problems.append("an audio block not flagged key (Sora flags every one)")
    return problems


def webm_finalised(path: Path) -> bool:
    """W14: Cues right after the last Cluster, ending a Segment whose known size is the file's rest."""
    document = SCHEMA.load(str(path))
    segment = next(element for element in document if element.name == "Segment")
    names = [element.name for element in segment]
    ends = segment.payloadOffset + segment.size == path.stat().st_size
    return ends and "Cluster" in names and names[-1] == "Cues" and names[-2] == "Cluster"


def first_cluster_timestamp(path: Path) -> int:
    segment = next(element for element in SCHEMA.load(str(path)) if element.name == "Segment")
    return next(_values(element)["Timestamp"] for element in segment if element.name == "Cluster")


def mp4_problems(path: Path) -> list[str]:
    """M1/M3/M6/M7/M10: one moov, no fragments, Opus audio, no ctts, SPS / PPS in band in every key frame."""
    data = path.read_bytes()
    stream = io.BytesIO(data)
    boxes = []
    while stream.tell() < len(data):
        boxes.append(Box.parse_stream(stream))
    types = [box.type for box in boxes]
    problems = [] if b"moov" in types else ["M1 no moov"]
    if b"moof" in types:
        problems.append("M3 fragmented (moof)")
    if any(box.type == b"ctts" for moov in boxes if moov.type == b"moov" for box in _boxes(moov)):
        problems.append("M7 composition offsets (ctts)")
    with av.open(str(path)) as container:
        if container.streams.audio and container.streams.audio[0].codec_context.name != "opus":
            problems.append("M6 audio is not Opus")
        if container.streams.video and not all({7, 8} <= set(_nal_types(bytes(p))) for p in
                                               container.demux(container.streams.video[0]) if p.is_keyframe):
            problems.append("M10 a key frame without SPS / PPS in band")
    return problems


def _boxes(box: Any) -> list[Any]:
    return [box, *[inner for child in (box.get("children") or []) for inner in _boxes(child)]]


def _nal_types(sample: bytes) -> list[int]:
    """NAL unit types of an AVCC sample (4-byte lengths, M9)."""
    types, at = [], 0
    while at + 4 < len(sample):
        (length,) = struct.unpack_from(">I", sample, at)
        types.append(sample[at + 4] & 0x1F)
        at += 4 + length
    return types
