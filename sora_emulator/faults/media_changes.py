"""Changes to recorded media: to each frame on its way into a file (the frame seam, media/writer.py), and to the
container around it (the container seam: the muxing plan, media/outputs.py; the WebM elements, media/webm.py)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import av
import numpy as np

from ..media.seams import FFMPEG, At, Element, Muxing
from ..media.webm import AUDIO_TRACK, VIDEO_TRACK, Block

GAP = 0.6  # seconds lost at the end of every split piece
DROPPED = (0.3, 0.9)  # seconds into a file whose video frames are lost


# --- frames -------------------------------------------------------------------------------------------
def _black(frame: Any) -> Any:
    black = np.zeros((frame.height, frame.width, 3), np.uint8)
    return av.VideoFrame.from_ndarray(black, format="rgb24").reformat(format="yuv420p")


def _silent(frame: Any) -> Any:
    silent = av.AudioFrame.from_ndarray(np.zeros((1, frame.samples * 2), np.int16), format="s16", layout="stereo")
    silent.sample_rate = frame.sample_rate
    return silent


def blank(kind: str, frame: Any, at: At) -> Any:
    return _black(frame) if kind == "video" else _silent(frame)


def silent_audio(kind: str, frame: Any, at: At) -> Any:
    return _silent(frame) if kind == "audio" else frame


def video_dropped_mid_file(kind: str, frame: Any, at: At) -> Any | None:
    return None if kind == "video" and DROPPED[0] <= at.into_file < DROPPED[1] else frame


def cut_before_split(kind: str, frame: Any, at: At) -> Any | None:
    return None if at.file_length is not None and at.into_file >= at.file_length - GAP else frame


# --- the container ------------------------------------------------------------------------------------
def ffmpeg_webm(muxing: Muxing) -> Muxing:
    return replace(muxing, muxer=FFMPEG) if muxing.format == "webm" else muxing


def fragmented_mp4(muxing: Muxing) -> Muxing:
    fragments = {"movflags": "frag_keyframe+empty_moov+default_base_moof"}  # moof / mdat pairs, an empty moov
    return replace(muxing, options={**muxing.options, **fragments}) if muxing.format == "mp4" else muxing


def parameter_sets_out_of_band(muxing: Muxing) -> Muxing:
    """SPS (NAL type 7) and PPS (8) taken out of the H.264 samples: left only in avcC."""
    return replace(muxing, video_filter="filter_units=remove_types=7|8") if muxing.format == "mp4" else muxing


def last_audio_as_block_group(element: Element) -> list[Element]:
    """The last Opus packet of each Cluster as a BlockGroup (Block, BlockDuration), as FFmpeg writes a packet it
    must trim (its flushed last one, with DiscardPadding)."""
    name, value = element
    audio = [i for i, child in enumerate(value) if child[0] == "SimpleBlock" and child[1].track == AUDIO_TRACK]
    if name != "Cluster" or not audio:
        return [element]
    return [(name, [_group(child) if i == audio[-1] else child for i, child in enumerate(value)])]


def _group(child: Element) -> Element:
    block: Block = child[1]
    return ("BlockGroup", [("Block", replace(block, key=False)), ("BlockDuration", block.duration_ms)])


def no_cues(element: Element) -> list[Element]:
    return [] if element[0] == "Cues" else [element]


def audio_as_track_1(element: Element) -> list[Element]:
    """Audio numbered track 1 and video track 2, in Tracks, every block and the Cues."""
    return [_swap_tracks(element)]


def _swap_tracks(element: Element) -> Element:
    swap = {VIDEO_TRACK: AUDIO_TRACK, AUDIO_TRACK: VIDEO_TRACK}
    name, value = element
    if isinstance(value, Block):
        return (name, replace(value, track=swap[value.track]))
    if name in ("TrackNumber", "CueTrack"):
        return (name, swap[value])
    if isinstance(value, list):
        return (name, [_swap_tracks(child) for child in value])
    return element
