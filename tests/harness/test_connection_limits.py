"""The capture server keeps a bounded number of connections, and idle or trickling peers (slowloris) never keep
this run's webhooks out: every connection is accepted at once, must send its whole request head within the head
deadline, and the oldest connections without a whole head are closed to make room, first those of the peer
holding the most."""
import socket
import threading
import time

import pytest
import urllib3

from sora_conformance.harness.capture import CaptureServer
from sora_conformance.harness.connections import GRACE
from sora_conformance.harness.webhook_server import DEFAULT_MAX_CONNECTIONS

from .hostile_peer import Slowloris
from .http_client import HTTP

CAP = 6
DEADLINE = 1.0


@pytest.fixture
def capture():
    server = CaptureServer(run_prefix="run1", max_connections=CAP)
    server.head_deadline = server.request_deadline = DEADLINE
    server.start()
    yield server
    server.stop()


def webhook(channel: str) -> dict:
    return {"type": "session.created", "channel_id": channel, "session_id": "S1", "id": "w1",
            "timestamp": "2025-01-01T00:00:00.000000Z"}


def post(capture: CaptureServer, channel: str) -> tuple[int, float]:
    """A webhook as Sora sends one (a fresh connection), and how long its answer took."""
    started = time.monotonic()
    answer = HTTP.request("POST", capture.url("session"), json=webhook(channel), headers={"Connection": "close"})
    return answer.status, time.monotonic() - started


def held(capture: CaptureServer) -> int:
    return capture.limits.open


def settle(condition, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)  # sleep-ok: polling the server's connection count, there is no event to wait on
    return condition()


def test_idle_connections_beyond_the_cap_are_closed_and_webhooks_still_get_in(capture):
    idle = [socket.create_connection(("127.0.0.1", capture.port)) for _ in range(CAP * 3)]
    try:
        assert settle(lambda: held(capture) <= CAP, GRACE + 2), f"{held(capture)} connections kept, cap {CAP}"
        status, took = post(capture, "run1-idle")
        assert status == 200 and took < DEADLINE / 2  # nothing to wait for
        assert [r.type for r in capture.for_channel("run1-idle")] == ["session.created"]
    finally:
        for connection in idle:
            connection.close()


def test_many_trickling_peers_on_the_webhook_senders_address_never_delay_webhooks(capture):
    with Slowloris(capture.port, count=CAP * 3, every=0.1) as peer:  # 3x the cap, within the ceiling (4x)
        assert peer.wait_open(CAP * 3, 5.0)
        assert settle(lambda: peer.cut > 0, GRACE + 2)  # its connections are being closed and opened again
        for n in range(10):
            status, took = post(capture, f"run1-busy-{n}")
            assert status == 200 and took < DEADLINE / 2, f"webhook {n} answered {status} after {took:.2f} s"
    assert all(capture.for_channel(f"run1-busy-{n}") for n in range(10))


def test_a_burst_of_webhooks_from_a_trickling_peers_address_all_get_in(capture):
    with Slowloris(capture.port, count=CAP * 3, every=0.1) as peer:
        assert peer.wait_open(CAP * 3, 5.0)
        results: list[tuple[int, float]] = []
        senders = [threading.Thread(target=lambda n=n: results.append(post(capture, f"run1-burst-{n}")))
                   for n in range(CAP * 3)]  # more at once than the cap: fresh connections are never the ones closed
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(10)
    assert sorted(status for status, _ in results) == [200] * (CAP * 3)


def test_a_request_head_must_arrive_within_the_deadline_counted_from_the_accept():
    roomy = CaptureServer(run_prefix="run1", max_connections=1000)
    roomy.head_deadline = DEADLINE
    roomy.start()
    try:
        with socket.create_connection(("127.0.0.1", roomy.port)) as peer:
            started = time.monotonic()
            peer.sendall(b"POST /webhook/session HTTP/1.1\r\n")
            peer.settimeout(0.1)
            closed = False
            while not closed and time.monotonic() - started < DEADLINE * 4:
                try:
                    closed = peer.recv(1024) == b""
                except TimeoutError:
                    peer.sendall(b"X")  # never idle, never done
                except ConnectionResetError:
                    closed = True
            assert closed and time.monotonic() - started < DEADLINE * 2
    finally:
        roomy.stop()


def test_a_trickled_body_is_answered_408_at_the_request_deadline(capture):
    with socket.create_connection(("127.0.0.1", capture.port)) as peer:
        peer.sendall(b"POST /webhook/session HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
        peer.settimeout(DEADLINE * 3)
        answer = peer.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408") and b"application/json" in answer


def test_a_peer_holding_many_connections_loses_them_before_another_peer_does():
    server = CaptureServer(run_prefix="run1", max_connections=8).start()  # 4 per peer address
    try:
        def from_address(address: str, count: int) -> list[socket.socket]:
            return [socket.create_connection(("127.0.0.1", server.port), source_address=(address, 0))
                    for _ in range(count)]

        quiet, greedy = from_address("127.0.0.3", 3), from_address("127.0.0.2", 12)
        assert settle(lambda: sum(not _closed(c) for c in greedy) <= 4, GRACE + 2)
        assert not any(_closed(c) for c in quiet)
        for connection in quiet + greedy:
            connection.close()
    finally:
        server.stop()


def _closed(connection: socket.socket) -> bool:
    connection.setblocking(False)
    try:
        return connection.recv(1) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    finally:
        connection.setblocking(True)


def test_a_keep_alive_connection_serves_several_webhooks(capture):
    pool = urllib3.HTTPConnectionPool("127.0.0.1", capture.port, maxsize=1, retries=False, timeout=5.0)
    for n in range(3):
        assert pool.request("POST", "/webhook/session", json=webhook(f"run1-k{n}")).status == 200
    assert pool.num_connections == 1
    assert all(capture.for_channel(f"run1-k{n}") for n in range(3))


def test_the_cap_is_an_option_with_one_clear_line_for_bad_values():
    from sora_conformance.harness.config import ConfigError, build_config

    assert build_config({}, env={}).webhook_max_connections == DEFAULT_MAX_CONNECTIONS
    assert build_config({"webhook_max_connections": "200"}, env={}).webhook_max_connections == 200
    for bad in ("0", "-3", "many", "5000"):
        with pytest.raises(ConfigError, match="--webhook-max-connections"):
            build_config({"webhook_max_connections": bad}, env={})
