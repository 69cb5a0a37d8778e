"""The emulator's decoder thread: media nobody records is never decoded; recording starts on a key frame."""
import asyncio
import queue
import threading
import time

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
        worker = asyncio.ensure_future(asyncio.to_thread(
            tap.record_received_media, asyncio.get_running_loop(), frames, Track._queue, asked_keyframe))
        for step in steps:
            if callable(step):
                await asyncio.to_thread(step)  # the decoder thread runs meanwhile
            else:
                frames.put((VP8, JitterFrame(step, 0)))
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


def test_a_new_listener_after_a_pause_restarts_on_a_key_frame(monkeypatch):
    media, sink = tap.MediaTap(), Sink()
    media.subscribe(sink)

    def pause():  # nobody listened for a while: the receivers dropped what came meanwhile
        deadline = time.monotonic() + 5
        while len(sink.frames) < 2:  # the frames before the pause are handled first
            assert time.monotonic() < deadline, "the decoder thread did not take the first frames"
            time.sleep(0.001)  # sleep-ok: polling the decoder thread
        media.unsubscribe(sink)
        media.subscribe(sink)

    decoded, asked = run_worker(monkeypatch, media, [KEY, DELTA, pause, DELTA, KEY, DELTA])
    assert decoded == [KEY, DELTA, KEY, DELTA] and asked.is_set()


class Receiver:
    _enabled = True  # aiortc enables a receiving transceiver's receiver when it applies the answer


def test_receivers_process_packets_only_while_someone_listens():
    media, sink, other = tap.MediaTap(), Sink(), Sink()
    receivers = [Receiver(), Receiver()]
    media.bind(receivers)
    assert not media.receiving and not any(r._enabled for r in receivers)
    media.subscribe(sink)
    media.subscribe(other)
    media.unsubscribe(sink)
    assert media.receiving and all(r._enabled for r in receivers)
    media.unsubscribe(other)
    assert not media.receiving and not any(r._enabled for r in receivers)


def test_the_bitrate_estimator_is_built_by_the_first_packet_only(monkeypatch):
    built = []
    monkeypatch.setattr(tap.rate, "RemoteBitrateEstimator", lambda: built.append(1) or Estimator())

    class Estimator:
        def add(self, **packet):
            return packet["payload_size"]

    tap.install()
    estimator = tap.rtcrtpreceiver.RemoteBitrateEstimator()  # what aiortc makes for each video receiver
    assert isinstance(estimator, tap.BitrateEstimatorOnFirstPacket) and built == []
    assert estimator.add(abs_send_time=0, arrival_time_ms=0, payload_size=7, ssrc=1) == 7
    estimator.add(abs_send_time=1, arrival_time_ms=1, payload_size=8, ssrc=1)
    assert built == [1]
