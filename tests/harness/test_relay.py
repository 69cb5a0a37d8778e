"""--forward-webhooks relays other channels' webhooks to the operator's backend; a slow or hostile backend never
holds them long or this run's webhooks at all: the relay gives up at its deadline (504), reads at most 1 MiB of
answer (502 beyond), returns a redirect unchanged instead of following it, and runs a bounded number at once
(503 beyond, at once)."""
import threading
import time

import pytest
from pytest_httpserver import HTTPServer

from sora_conformance.harness.capture import CaptureServer
from sora_conformance.harness.hub import CaptureHub, register
from sora_conformance.harness.relay import FOREIGN_RELAYS, MAX_ANSWER

from .hostile_peer import StalledBackend
from .http_client import post_json

DEADLINE = 1.0
FOREIGN = {"type": "session.created", "channel_id": "other-room", "session_id": "S1"}
OURS = {"type": "session.created", "channel_id": "run1-room", "session_id": "S2"}


@pytest.fixture
def stalled():
    backend = StalledBackend()
    yield backend
    backend.close()


def relaying_to(url: str) -> CaptureServer:
    server = CaptureServer(run_prefix="run1", forward_url=url)
    server.relay.deadline = DEADLINE
    return server.start()


@pytest.mark.parametrize("answer_start", [b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n{"],
                         ids=["trickled head", "trickled body"])
def test_a_trickling_backend_is_given_up_at_the_deadline(answer_start):
    backend = StalledBackend(answer_start)
    server = relaying_to(backend.url())
    try:
        started = time.monotonic()
        answer = post_json(server.url("session"), FOREIGN)
        took = time.monotonic() - started
        assert answer.status == 504 and "within" in answer.json()["error"] and DEADLINE <= took < DEADLINE * 3
        assert "127.0.0.1" not in answer.data.decode()
    finally:
        server.stop()
        backend.close()


def test_a_redirect_is_returned_unchanged_and_not_followed():
    with HTTPServer(host="127.0.0.1", port=0) as backend:
        backend.expect_request("/hooks/session", method="POST").respond_with_data(
            '{"moved": true}', status=307, headers={"Location": backend.url_for("/elsewhere")},
            content_type="application/json")
        server = relaying_to(backend.url_for("/hooks/{endpoint}"))
        try:
            answer = post_json(server.url("session"), FOREIGN)
            assert answer.status == 307 and answer.json() == {"moved": True}
            assert answer.headers["Location"] == backend.url_for("/elsewhere")
            assert [request.path for request, _ in backend.log] == ["/hooks/session"]  # never followed
        finally:
            server.stop()


def test_a_huge_answer_is_not_held_whole():
    with HTTPServer(host="127.0.0.1", port=0) as backend:
        backend.expect_request("/hooks/auth", method="POST").respond_with_data(b"x" * (MAX_ANSWER * 4))
        server = relaying_to(backend.url_for("/hooks/{endpoint}"))
        try:
            answer = post_json(server.url("auth"), {"channel_id": "other-room", "connection_id": "C1"})
            assert answer.status == 502 and f"over {MAX_ANSWER} bytes" in answer.json()["error"]
        finally:
            server.stop()


def test_stalled_relays_are_bounded_and_never_delay_the_runs_webhooks(stalled):
    server = relaying_to(stalled.url())
    server.relay.deadline = DEADLINE * 3
    try:
        held = [threading.Thread(target=post_json, args=(server.url("session"), FOREIGN))
                for _ in range(FOREIGN_RELAYS)]
        for thread in held:
            thread.start()
        deadline = time.monotonic() + 5
        while stalled.connections < FOREIGN_RELAYS and time.monotonic() < deadline:
            time.sleep(0.02)  # sleep-ok: watching the backend's accept count, there is no event to wait on
        started = time.monotonic()
        one_more = post_json(server.url("session"), FOREIGN)
        assert one_more.status == 503 and time.monotonic() - started < DEADLINE
        started = time.monotonic()
        assert post_json(server.url("session"), OURS).status == 200 and time.monotonic() - started < DEADLINE / 2
        for thread in held:
            thread.join(DEADLINE * 10)
    finally:
        server.stop()


def test_the_hub_keeps_relaying_the_runs_webhooks_while_the_forward_backend_stalls(stalled):
    hub = CaptureHub("127.0.0.1", 0, forward_url=stalled.url()).start()
    hub.to_forward.deadline = DEADLINE * 3
    worker = CaptureServer(run_prefix="run1").start()
    try:
        register(hub.url, hub.token, "run1", worker.url_for(""))
        held = [threading.Thread(target=post_json, args=(hub.url_for("/webhook/session"), FOREIGN))
                for _ in range(FOREIGN_RELAYS + 4)]
        for thread in held:
            thread.start()
        started = time.monotonic()
        assert post_json(hub.url_for("/webhook/session"), OURS).status == 200
        assert time.monotonic() - started < DEADLINE / 2 and worker.for_channel("run1-room")
        for thread in held:
            thread.join(DEADLINE * 10)
    finally:
        worker.stop()
        hub.stop()
