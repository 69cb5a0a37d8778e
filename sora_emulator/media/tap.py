"""One connection's received media, decoded only while an archive listens.

aiortc decodes every received frame in a thread per receiver (`rtcrtpreceiver.decoder_worker`). The
emulator replaces that worker: frames nobody records are dropped undecoded (decoding every client's VP8 and
Opus would cost most of the emulator's CPU under load), and decoded frames go straight to the connection's
`MediaTap` in that same thread instead of to the (unread) remote track.
"""
from __future__ import annotations

import asyncio
import queue
import threading
from typing import Any, Protocol

import av
from aiortc import rtcrtpreceiver
from aiortc.codecs import get_decoder


class MediaSink(Protocol):
    def write(self, kind: str, frame: Any) -> None:
        """Called from a decoder thread with an av.VideoFrame ("video") or av.AudioFrame ("audio")."""


class MediaTap:
    """The decoded media of one connection, handed to every sink subscribed to it (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sinks: tuple[MediaSink, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self._sinks)

    def subscribe(self, sink: MediaSink) -> None:
        with self._lock:
            self._sinks = (*self._sinks, sink)

    def unsubscribe(self, sink: MediaSink) -> None:
        with self._lock:
            self._sinks = tuple(s for s in self._sinks if s is not sink)

    def push(self, kind: str, frame: Any) -> None:
        for sink in self._sinks:
            sink.write(kind, frame)


_TAPS: dict[int, MediaTap] = {}  # id(remote track queue) -> tap: how a decoder thread finds its connection
_TAPS_LOCK = threading.Lock()


def attach(track: Any, tap: MediaTap) -> None:
    with _TAPS_LOCK:
        _TAPS[id(track._queue)] = tap  # aiortc hands the worker only this queue


def detach(track: Any) -> None:
    with _TAPS_LOCK:
        _TAPS.pop(id(track._queue), None)


def _is_vp8_keyframe(data: bytes) -> bool:
    return bool(data) and not data[0] & 1  # VP8 frame tag: bit 0 clear on a key frame (RFC 6386 9.1)


def record_received_media(loop: asyncio.AbstractEventLoop, input_q: queue.Queue[Any], output_q: asyncio.Queue[Any],
                          decode_error: threading.Event) -> None:
    with _TAPS_LOCK:
        tap = _TAPS.get(id(output_q))
    decoder: Any = None
    codec_name = None
    need_keyframe = True
    while (task := input_q.get()) is not None:
        if tap is None or not tap.active:
            need_keyframe = True  # a later archive must start from a key frame
            continue
        codec, encoded = task
        if codec.name != codec_name:
            decoder, codec_name = get_decoder(codec), codec.name
        if codec.name == "VP8" and need_keyframe:
            if not _is_vp8_keyframe(encoded.data):
                decode_error.set()  # aiortc answers with a PLI: the sender's next frame is a key frame
                continue
            need_keyframe = False
        try:
            frames = decoder.decode(encoded)
        except av.FFmpegError:
            decode_error.set()
            continue
        kind = codec.mimeType.split("/")[0]
        for frame in frames:
            tap.push(kind, frame)
    asyncio.run_coroutine_threadsafe(output_q.put(None), loop)  # ends the track, as aiortc's worker does


def install() -> None:
    rtcrtpreceiver.decoder_worker = record_received_media  # aiortc looks it up when a receiver starts
