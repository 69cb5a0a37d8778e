"""A WebM archive against the shape Sora writes (a WebM Sora wrote: hisui's testdata/archive-black-silent.webm)
and hisui's reader requires (src/webm/reader.rs, the same in sora-archive-compositor): rules W1-W14 of
../shared/reference/recording-files.md. Like hisui's reader it reads the file front to back, once; unlike it, it
goes on after a broken rule where it can, so one run names every rule a file breaks.
"""
from __future__ import annotations

from typing import BinaryIO

from . import FINALISED, WEBM_SHAPE, ContainerReport
from .ebml import CutOff, EbmlFile, Element, Malformed

EBML, SEGMENT, INFO, TRACKS, CLUSTER, CUES = 0x1A45DFA3, 0x18538067, 0x1549A966, 0x1654AE6B, 0x1F43B675, 0x1C53BB6B
TRACK_ENTRY, TRACK_NUMBER, CODEC_ID, CODEC_PRIVATE = 0xAE, 0xD7, 0x86, 0x63A2
TIMESTAMP, SIMPLE_BLOCK, DURATION = 0xE7, 0xA3, 0x4489
SORA = b"WebRTC SFU Sora"
# (id, name, value) in the order hisui reads them: exactly these children in the EBML header (W1) ...
EBML_HEADER = [(0x4286, "EBMLVersion", 1), (0x42F7, "EBMLReadVersion", 1), (0x42F2, "EBMLMaxIDLength", 4),
               (0x42F3, "EBMLMaxSizeLength", 8), (0x4282, "DocType", b"webm"), (0x4287, "DocTypeVersion", 4),
               (0x4285, "DocTypeReadVersion", 2)]
# ... and these first in Info (W4); the rest of Info is not read
INFO_FIRST = [(0x2AD7B1, "TimestampScale", 1_000_000), (0x4D80, "MuxingApp", SORA), (0x5741, "WritingApp", SORA)]
VIDEO_CODECS = ("V_VP8", "V_VP9", "V_AV1", "V_MPEG4/ISO/AVC")
VIDEO_TRACK, AUDIO_TRACK = 1, 2
UNBOUNDED = 2**64


def check(handle: BinaryIO, length: int) -> ContainerReport:
    report = ContainerReport("webm")
    walker = _Walker(EbmlFile(handle, length), report)
    try:
        walker.walk()
    except CutOff as exc:
        report.add(FINALISED, "W14", f"cut off: {exc}")
    except Malformed as exc:
        report.add(WEBM_SHAPE, walker.rule, f"malformed: {exc}")
    return report


class _Walker:
    def __init__(self, ebml: EbmlFile, report: ContainerReport) -> None:
        self.ebml = ebml
        self.report = report
        self.rule = "W1"  # the rule whose part of the file is being read (names a malformed element's rule)
        self.scale = 1_000_000  # TimestampScale, ns per tick

    def walk(self) -> None:
        header = self.ebml.element_at(0, self.ebml.length)
        if header.id != EBML or header.size is None:
            self.report.add(WEBM_SHAPE, "W1", f"expected the EBML header (0x1A45DFA3) at byte 0, found {header}")
            return
        self._expect_first(header, EBML_HEADER, "W1", "the EBML header", exact=True)
        self.rule = "W2"
        segment = self.ebml.element_at(header.end, UNBOUNDED)  # a Segment longer than the file is judged below
        if segment.id != SEGMENT:
            self.report.add(WEBM_SHAPE, "W2", f"expected the Segment right after the EBML header, found {segment}")
            return
        if segment.size is None:
            self.report.add(FINALISED, "W2", "the Segment's size is unknown: its writer never wrote it back")
        elif segment.end > self.ebml.length:
            self.report.add(FINALISED, "W2", f"cut off: the Segment declares {segment.size} bytes, the file ends "
                                             f"{segment.end - self.ebml.length} bytes before")
            segment = Element(segment.id, segment.offset, segment.data_offset, self.ebml.length - segment.data_offset)
        self._segment(segment)

    def _segment(self, segment: Element) -> None:
        seen: list[int] = []
        clusters = 0
        for element in self.ebml.children(segment):
            if element.size is None:
                rule = "W11" if element.id == CLUSTER else "W2"
                self.report.add(FINALISED, rule, f"{element} has an unknown size: its writer never wrote it back")
                return
            if element.id == CUES and clusters:
                break  # hisui stops reading here: what follows is never read
            if seen and seen[-1] == INFO and element.id != TRACKS:
                self.report.add(WEBM_SHAPE, "W5", f"expected Tracks right after Info, found {element}")
            if element.id == INFO and INFO not in seen:
                self._info(element)
            elif element.id == TRACKS and TRACKS not in seen:
                self._tracks(element)
            elif element.id == CLUSTER:
                clusters += 1
                self._cluster(element)
            elif clusters:
                self.report.add(WEBM_SHAPE, "W12", f"expected only Clusters from the first Cluster to Cues, "
                                                   f"found {element}")
            seen.append(element.id)
        else:
            self._ended(seen, clusters)

    def _ended(self, seen: list[int], clusters: int) -> None:
        """The Segment ended without Cues after its Clusters: say what was never there."""
        if INFO not in seen:
            self.report.add(WEBM_SHAPE, "W4", "no Info in the Segment")
        if TRACKS not in seen:
            self.report.add(WEBM_SHAPE, "W5", "no Tracks in the Segment")
        if not clusters:
            self.report.add(FINALISED, "W14", "no Cluster: the file ends before any media")
        else:
            self.report.add(FINALISED, "W14", "no Cues after the last Cluster: the file ends without its index "
                                              "(hisui fails at the end of the file)")

    def _expect_first(self, parent: Element, expected: list[tuple[int, str, object]], rule: str, where: str,
                      exact: bool = False) -> list[Element]:
        children = list(self.ebml.children(parent))
        for index, (element_id, name, value) in enumerate(expected):
            found = children[index] if index < len(children) else None
            if found is None or found.id != element_id:
                self.report.add(WEBM_SHAPE, rule, f"expected {name} (0x{element_id:X}) as child {index + 1} of "
                                                  f"{where}, found {found or 'nothing'}")
                return children
            actual = self.ebml.raw(found) if isinstance(value, bytes) else self.ebml.uint(found)
            if actual != value:
                self.report.add(WEBM_SHAPE, rule, f"expected {name} {_shown(value)}, found {_shown(actual)}")
        if exact and len(children) > len(expected):
            self.report.add(WEBM_SHAPE, rule, f"expected nothing after DocTypeReadVersion in {where}, "
                                              f"found {children[len(expected)]}")
        return children

    def _info(self, info: Element) -> None:
        self.rule = "W4"
        children = self._expect_first(info, INFO_FIRST, "W4", "Info")
        scale = next((c for c in children if c.id == INFO_FIRST[0][0]), None)
        if scale is not None and 0 < self.ebml.uint(scale) < 10**12:
            self.scale = self.ebml.uint(scale)
        duration = next((c for c in children if c.id == DURATION), None)
        value = self.ebml.float(duration) if duration is not None else None
        if value is not None and value >= 0:
            self.report.stated_duration = value * self.scale / 1e9

    def _tracks(self, tracks: Element) -> None:
        self.rule = "W6"
        for entry in self.ebml.children(tracks):
            if entry.id != TRACK_ENTRY:
                self.report.add(WEBM_SHAPE, "W6", f"expected only TrackEntry in Tracks, found {entry}")
                continue
            children = list(self.ebml.children(entry))
            if not children or children[0].id != TRACK_NUMBER:
                self.report.add(WEBM_SHAPE, "W6", f"the TrackEntry at byte {entry.offset} starts with "
                                                  f"{children[0] if children else 'nothing'}, not TrackNumber")
            number = next((self.ebml.uint(c) for c in children if c.id == TRACK_NUMBER), None)
            codec = next((self.ebml.raw(c).decode("ascii", "replace") for c in children if c.id == CODEC_ID), "")
            if number is not None and number not in self.report.tracks:
                self.report.tracks[number] = codec
                self._track(number, codec, any(c.id == CODEC_PRIVATE for c in children))
        if not self.report.tracks:
            self.report.add(WEBM_SHAPE, "W7", "no track in Tracks")

    def _track(self, number: int, codec: str, has_private: bool) -> None:
        if codec.startswith("V_") and number != VIDEO_TRACK:
            self.report.add(WEBM_SHAPE, "W7", f"video ({codec}) is track {number}: hisui reads video from track 1")
        if codec.startswith("A_") and number != AUDIO_TRACK:
            self.report.add(WEBM_SHAPE, "W8", f"audio ({codec}) is track {number}: hisui reads audio from track 2, "
                                              "also in an audio-only file")
        if number == VIDEO_TRACK and codec not in VIDEO_CODECS:
            self.report.add(WEBM_SHAPE, "W7", f"track 1 is {codec or 'without CodecID'}: expected one of "
                                              f"{', '.join(VIDEO_CODECS)}")
        if number == AUDIO_TRACK and codec != "A_OPUS":
            self.report.add(WEBM_SHAPE, "W8", f"track 2 is {codec or 'without CodecID'}: expected A_OPUS")
        elif number == AUDIO_TRACK and not has_private:
            self.report.add(WEBM_SHAPE, "W8", "track 2 (A_OPUS) has no CodecPrivate: hisui needs its OpusHead")

    def _cluster(self, cluster: Element) -> None:
        self.rule = "W12"
        timestamp: int | None = None
        for element in self.ebml.children(cluster):
            if element.size is None:
                self.report.add(FINALISED, "W11", f"{element} in a Cluster has an unknown size")
                return
            if timestamp is None:
                if element.id != TIMESTAMP:
                    self.report.add(WEBM_SHAPE, "W11", f"the Cluster at byte {cluster.offset} starts with {element}, "
                                                       "not its Timestamp")
                timestamp = self.ebml.uint(element) if element.id == TIMESTAMP else 0
            elif element.id != SIMPLE_BLOCK:
                self.report.add(WEBM_SHAPE, "W12", f"{element} in the Cluster at byte {cluster.offset}: hisui reads "
                                                   "only SimpleBlocks there")
            else:
                self._block(element, timestamp)

    def _block(self, block: Element, cluster_time: int) -> None:
        head = self.ebml.head(block, 4)
        if len(head) < 4:
            self.report.add(WEBM_SHAPE, "W13", f"{block}: {len(head)} bytes, too short for a block header")
            return
        if not head[0] & 0x80:
            self.report.add(WEBM_SHAPE, "W9", f"{block}: its track number is not the one-byte 0x81 / 0x82 hisui "
                                              f"reads (first byte 0x{head[0]:02X})")
            return
        if head[3] & 0x06:
            self.report.add(WEBM_SHAPE, "W13", f"{block} is laced: hisui reads one frame per block")
        relative = int.from_bytes(head[1:3], "big", signed=True)
        self.report.note_time((cluster_time + relative) * self.scale / 1e9)


def _shown(value: object) -> str:
    return f'"{value.decode("utf-8", "replace")}"' if isinstance(value, bytes) else str(value)
