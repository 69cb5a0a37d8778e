"""The emulator's decoder thread: media nobody records is never decoded; recording starts on a key frame."""
import asyncio
import queue
import threading

from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from sora_emulator.media import tap

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
KEY, DELTA = b"\x00key", b"\x01delta"  # bit 0 of the VP8 frame tag: 0 on a key frame


class Sink:
    def __init__(self):
        self.frames = []

    def write(self, kind, frame):
        self.frames.append((kind, frame))


def run_worker(monkeypatch, media, steps):
    """Runs the decoder thread over `steps` (encoded data, or a callable run between frames)."""
    decoded = []

    class Decoder:
        def decode(self, encoded):
            decoded.append(encoded.data)
            return [encoded.data]

    monkeypatch.setattr(tap, "get_decoder", lambda codec: Decoder())
    frames: queue.Queue = queue.Queue()
    asked_keyframe = threading.Event()

    class Track:
        _queue: asyncio.Queue = asyncio.Queue()

    tap.attach(Track, media)

    async def main():
        worker = asyncio.to_thread(tap.record_received_media, asyncio.get_running_loop(), frames, Track._queue,
                                   asked_keyframe)
        for step in steps:
            step() if callable(step) else frames.put((VP8, JitterFrame(step, 0)))
        frames.put(None)
        await worker
        assert await Track._queue.get() is None  # the track is ended, as aiortc's own worker does

    try:
        asyncio.run(main())
    finally:
        tap.detach(Track)
    return decoded, asked_keyframe


def test_nothing_is_decoded_while_no_archive_listens(monkeypatch):
    decoded, _ = run_worker(monkeypatch, tap.MediaTap(), [KEY, DELTA, DELTA])
    assert decoded == []


def test_a_listening_archive_gets_frames_from_the_next_key_frame(monkeypatch):
    media, sink = tap.MediaTap(), Sink()
    media.subscribe(sink)
    decoded, asked = run_worker(monkeypatch, media, [DELTA, DELTA, KEY, DELTA])
    assert decoded == [KEY, DELTA] and [f for _, f in sink.frames] == [KEY, DELTA]
    assert asked.is_set()  # aiortc turns this into a PLI: the sender sends a key frame soon


def test_unsubscribing_stops_decoding(monkeypatch):
    media, sink = tap.MediaTap(), Sink()
    media.subscribe(sink)
    decoded, _ = run_worker(monkeypatch, media, [KEY, DELTA, lambda: media.unsubscribe(sink), DELTA])
    assert len(sink.frames) <= 2 and not media.active
