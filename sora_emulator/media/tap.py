"""One connection's received media, processed only while an archive listens.

aiortc runs every received RTP packet through its receiver (statistics, bitrate estimate, NACKs, jitter
buffer) and hands each frame to a decoder thread per receiver (`rtcrtpreceiver.decoder_worker`). Nobody
reads what a connection sends unless an archive records it, so the tap keeps the connection's receivers
disabled (aiortc then drops a packet on arrival) while no sink listens: 40 idle senders would otherwise cost
a third of a core and wake 80 threads thousands of times a second, slowing every connection being set up.
The emulator also replaces aiortc's decoder worker: decoded frames go straight to the connection's
`MediaTap` in that thread instead of to the (unread) remote track, and decoding restarts on a key frame.
"""
from __future__ import annotations

import asyncio
import queue
import threading
from typing import Any, Protocol

import av
from aiortc import rate, rtcrtpreceiver
from aiortc.codecs import get_decoder


class MediaSink(Protocol):
    def write(self, kind: str, frame: Any) -> None:
        """Called from a decoder thread with an av.VideoFrame ("video") or av.AudioFrame ("audio")."""


class MediaTap:
    """The decoded media of one connection, handed to every sink subscribed to it.

    Subscribe, unsubscribe and bind on the event loop (they switch aiortc receivers, which live there); `push`
    is called from decoder threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sinks: tuple[MediaSink, ...] = ()
        self._receivers: tuple[Any, ...] = ()
        self.activations = 0  # bumped whenever a first sink arrives: frames before it were never received

    @property
    def active(self) -> bool:
        return bool(self._sinks)

    @property
    def receiving(self) -> bool:
        """Whether aiortc processes what the connection sends (only while an archive listens)."""
        return any(receiver._enabled for receiver in self._receivers)

    def bind(self, receivers: list[Any]) -> None:
        """The connection's aiortc receivers, enabled only while a sink listens."""
        self._receivers = tuple(receivers)
        self._switch_receivers()

    def subscribe(self, sink: MediaSink) -> None:
        with self._lock:
            if not self._sinks:
                self.activations += 1
            self._sinks = (*self._sinks, sink)
        self._switch_receivers()

    def unsubscribe(self, sink: MediaSink) -> None:
        with self._lock:
            self._sinks = tuple(s for s in self._sinks if s is not sink)
        self._switch_receivers()

    def _switch_receivers(self) -> None:
        for receiver in self._receivers:
            receiver._enabled = self.active  # aiortc's own switch: a disabled receiver drops packets on arrival

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
    activation = 0
    while (task := input_q.get()) is not None:
        if tap is None or not tap.active:
            need_keyframe = True  # a later archive must start from a key frame
            continue
        if tap.activations != activation:
            activation, need_keyframe = tap.activations, True  # packets were dropped while nobody listened
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


class BitrateEstimatorOnFirstPacket:
    """aiortc's REMB estimator, built when its receiver handles a first packet (it allocates 1000 buckets:
    a few ms per video receiver, wasted on the connections nobody records, whose receivers stay disabled)."""

    def __init__(self) -> None:
        self._estimator: rate.RemoteBitrateEstimator | None = None

    def add(self, **packet: Any) -> Any:
        if self._estimator is None:
            self._estimator = rate.RemoteBitrateEstimator()
        return self._estimator.add(**packet)


def install() -> None:
    # aiortc looks both up by name: the worker when a receiver starts, the estimator when one is made.
    rtcrtpreceiver.decoder_worker = record_received_media
    rtcrtpreceiver.RemoteBitrateEstimator = BitrateEstimatorOnFirstPacket  # type: ignore[misc, assignment]
