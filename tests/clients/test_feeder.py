"""The client worker: one paced media thread for every client, feeding each only while its connection is up;
clients spread over several libwebrtc factories."""
import json
import threading
import time

from sora_conformance.clients.feeder import VIDEO_EVERY, MediaFeeder, Sender
from sora_conformance.clients.worker import Client, Worker
from sora_conformance.media.signature import signature


class Source:
    def __init__(self, fail=False):
        self.calls = 0
        self.fail = fail
        self.lock = threading.Lock()

    def _count(self):
        if self.fail:
            raise RuntimeError("source gone")
        with self.lock:
            self.calls += 1

    def on_data(self, data):
        self._count()

    def on_captured(self, frame):
        self._count()


def until(condition, what, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)  # sleep-ok: polling another thread's counters


def test_one_thread_paces_every_sender_audio_each_tick_video_every_few():
    feeder = MediaFeeder(tick=0.005)
    audio, video = Source(), Source()
    other = Source()
    try:
        feeder.add(Sender(signature(0), audio, video))
        feeder.add(Sender(signature(1), other, None))
        until(lambda: audio.calls >= 4 * VIDEO_EVERY, "ticks")
        feeder_threads = [t for t in threading.enumerate() if t.name == "media-feeder"]
        assert len(feeder_threads) == 1
        assert video.calls >= 1 and video.calls <= audio.calls // VIDEO_EVERY + 1  # the first tick sends a frame
        assert other.calls > 0
    finally:
        feeder.close()


def test_a_removed_sender_is_never_fed_again_even_if_added_late():
    feeder = MediaFeeder(tick=0.005)
    fed, stopped_early, witness = Source(), Source(), Source()
    try:
        sender = Sender(signature(0), fed, None)
        feeder.add(sender)
        until(lambda: fed.calls > 0, "the first tick")
        feeder.remove(sender)
        late = Sender(signature(1), stopped_early, None)
        feeder.remove(late)  # the close won the race against the connection.created notify
        feeder.add(late)
        feeder.add(Sender(signature(2), witness, None))
        calls = fed.calls
        until(lambda: witness.calls >= 5, "the witness sender")
        assert fed.calls <= calls + 1 and stopped_early.calls == 0
        assert sender not in feeder and late not in feeder
    finally:
        feeder.close()


def test_a_failing_source_is_dropped_and_the_others_keep_going():
    feeder = MediaFeeder(tick=0.005)
    good = Source()
    try:
        broken = Sender(signature(0), Source(fail=True), None)
        feeder.add(broken)
        feeder.add(Sender(signature(1), good, None))
        until(lambda: good.calls >= 5, "the good sender")
        assert broken not in feeder
    finally:
        feeder.close()


class FakeConnection:
    def connect(self):
        pass

    def disconnect(self):
        pass


class FakeSora:
    def __init__(self):
        self.connections = 0

    def create_audio_source(self, channels, rate):
        return Source()

    def create_video_source(self):
        return Source()

    def create_connection(self, **options):
        self.connections += 1
        return FakeConnection()


class Out:
    def send(self, message):
        pass


def test_a_client_sends_media_only_once_its_connection_is_up_and_until_it_closes():
    feeder = MediaFeeder(tick=0.005)
    try:
        client = Client(FakeSora(), feeder, Out(), "c1", {"role": "sendonly", "signaling_urls": [], "channel_id": "ch"})
        client._on_offer(json.dumps({"type": "offer", "connection_id": "C1"}))
        client._on_notify(json.dumps({"type": "notify", "event_type": "connection.created", "connection_id": "OTHER"}))
        assert client.sender not in feeder and client.audio.calls == 0  # nothing is encoded before it is up
        client._on_notify(json.dumps({"type": "notify", "event_type": "connection.created", "connection_id": "C1"}))
        assert client.sender in feeder
        until(lambda: client.audio.calls > 0 and client.video.calls > 0, "the client's media")
        client._on_disconnect("1000", "bye")
        assert client.sender not in feeder
    finally:
        feeder.close()


def test_a_recvonly_client_has_nothing_to_feed():
    feeder = MediaFeeder(tick=0.005)
    client = Client(FakeSora(), feeder, Out(), "c2", {"role": "recvonly", "signaling_urls": [], "channel_id": "ch"})
    client._on_offer(json.dumps({"type": "offer", "connection_id": "C2"}))
    client._on_notify(json.dumps({"type": "notify", "event_type": "connection.created", "connection_id": "C2"}))
    assert client.sender is None and client.created.is_set()
    feeder.close()


def test_the_worker_spreads_its_clients_over_its_factories():
    factories = [FakeSora(), FakeSora()]
    worker = Worker(factories)
    for n in range(4):  # no notify ever comes: each connect gives up after its (tiny) timeout
        reply = worker.handle({"op": "connect", "handle": f"c{n}", "role": "sendonly", "signaling_urls": [],
                               "channel_id": "ch", "timeout": 0.01})
        assert not reply["ok"]
    assert [f.connections for f in factories] == [2, 2]  # offers are set up on two signaling threads
    worker.feeder.close()


def test_a_senders_frames_are_numbered_from_its_first_one():
    from sora_conformance.media import counter

    class Camera:
        def __init__(self):
            self.frames = []

        def on_captured(self, frame):
            self.frames.append(frame)

    camera = Camera()
    sender = Sender(signature(3), None, camera)
    for _ in range(3 * VIDEO_EVERY):
        sender.tick()
    assert [counter.read(frame[..., ::-1]) for frame in camera.frames] == [0, 1, 2]  # BGR, as sora-sdk takes it
