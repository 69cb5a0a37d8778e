"""The capture server serves a bounded number of connections: idle and trickling peers (slowloris) neither grow
its threads without bound nor keep this run's webhooks from being captured."""
import socket
import threading
import time

import pytest
import requests

from sora_conformance.harness.bounded_server import DEFAULT_MAX_CONNECTIONS
from sora_conformance.harness.capture import CaptureServer

CAP = 6
DEADLINE = 1.0


@pytest.fixture
def capture():
    server = CaptureServer(run_prefix="run1", max_connections=CAP)
    server.request_deadline = DEADLINE
    server.start()
    yield server
    server.stop()


def webhook(channel: str) -> dict:
    return {"type": "session.created", "channel_id": channel, "session_id": "S1", "id": "w1",
            "timestamp": "2025-01-01T00:00:00.000000Z"}


def server_threads() -> int:
    """Connection threads alive (socketserver names each after its target)."""
    return sum(1 for t in threading.enumerate() if "process_request_thread" in t.name)


def settle(condition, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)  # sleep-ok: polling the server's thread count, there is no event to wait on
    return condition()


def test_idle_connections_beyond_the_cap_take_no_thread_and_webhooks_still_get_in(capture):
    idle = [socket.create_connection(("127.0.0.1", capture.port)) for _ in range(CAP * 8)]
    try:
        most = 0
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            most = max(most, server_threads())
            time.sleep(0.01)  # sleep-ok: sampling the thread count while the server takes the connections
        assert most <= CAP, f"{most} connection threads at once, cap {CAP}"
        started = time.monotonic()
        answer = requests.post(capture.url("session"), json=webhook("run1-idle"), timeout=DEADLINE * 5)
        assert answer.status_code == 200
        assert time.monotonic() - started < DEADLINE  # an idle peer makes room at once
        assert [r.type for r in capture.for_channel("run1-idle")] == ["session.created"]
    finally:
        for connection in idle:
            connection.close()


def test_trickling_peers_are_cut_at_the_deadline_and_webhooks_get_in(capture):
    stop = threading.Event()

    def trickle() -> None:
        with socket.create_connection(("127.0.0.1", capture.port)) as peer:
            try:
                peer.sendall(b"POST /webhook/session HTTP/1.1\r\n")
                while not stop.wait(0.1):  # a header byte now and then: never idle, never done
                    peer.sendall(b"X")
            except OSError:
                return  # cut by the server

    peers = [threading.Thread(target=trickle, daemon=True) for _ in range(CAP)]
    for peer in peers:
        peer.start()
    try:
        assert settle(lambda: server_threads() == CAP, 2.0)
        started = time.monotonic()
        answer = requests.post(capture.url("session"), json=webhook("run1-busy"), timeout=DEADLINE * 5)
        assert answer.status_code == 200
        assert time.monotonic() - started < DEADLINE * 3  # at most one request deadline's wait, and some slack
        assert capture.for_channel("run1-busy")
    finally:
        stop.set()
        for peer in peers:
            peer.join(5)


def test_a_keep_alive_connection_serves_several_webhooks(capture):
    with requests.Session() as session:
        for n in range(3):
            assert session.post(capture.url("session"), json=webhook(f"run1-k{n}"), timeout=5).status_code == 200
    assert all(capture.for_channel(f"run1-k{n}") for n in range(3))




def test_the_cap_is_an_option_with_one_clear_line_for_bad_values():
    from sora_conformance.harness.config import ConfigError, build_config

    assert build_config({}, env={}).webhook_max_connections == DEFAULT_MAX_CONNECTIONS
    assert build_config({"webhook_max_connections": "200"}, env={}).webhook_max_connections == 200
    for bad in ("0", "-3", "many", "5000"):
        with pytest.raises(ConfigError, match="--webhook-max-connections"):
            build_config({"webhook_max_connections": bad}, env={})
