"""The -n N capture hub relays webhooks only to workers of this run: a registration must carry the token the
controller handed its workers (compared in constant time); anything else is refused with a 4xx, never a 500."""
import json

import pytest

from sora_conformance.harness.capture import CaptureServer
from sora_conformance.harness.hub import CaptureHub, register
from sora_conformance.harness.verdict import HarnessError

from .http_client import post_bytes, post_json

AUTH = {"channel_id": "run7-room", "connection_id": "C1", "role": "sendonly"}


@pytest.fixture
def hub():
    server = CaptureHub("127.0.0.1", 0).start()
    yield server
    server.stop()


@pytest.fixture
def worker():
    server = CaptureServer(run_prefix="run7").start()
    yield server
    server.stop()


def post_register(hub, body):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return post_bytes(hub.url_for("/hub/register"), data)


def test_a_worker_with_the_runs_token_gets_its_channels(hub, worker):
    register(hub.url, hub.token, "run7", worker.url_for(""))
    answer = post_json(hub.url_for("/webhook/auth"), AUTH)
    assert answer.json() == {"allowed": True} and len(worker.for_channel("run7-room")) == 1


@pytest.mark.parametrize("token", [None, "", "guess", 12345, ["x"]], ids=["none", "empty", "wrong", "int", "list"])
def test_a_registration_without_the_token_is_refused(hub, token):
    body = {"prefix": "", "url": "http://127.0.0.1:9"} | ({} if token is None else {"token": token})
    assert post_register(hub, body).status == 403
    answer = post_json(hub.url_for("/webhook/auth"), AUTH)
    assert answer.json()["allowed"] is False  # nothing was redirected: the foreign-channel policy answered


@pytest.mark.parametrize("body", [b"{oops", b"[" * 100_000, b"[]", b'"x"', b"", b"\xff"],
                         ids=["not JSON", "deep", "array", "string", "empty", "not UTF-8"])
def test_a_malformed_registration_gets_400(hub, body):
    answer = post_register(hub, body)
    assert answer.status == 400 and answer.headers["content-type"] == "application/json"


@pytest.mark.parametrize("fields", [
    {}, {"prefix": "", "url": "http://127.0.0.1:9"}, {"prefix": "run7", "url": "http://attacker.example:80"},
    {"prefix": "run7", "url": "https://127.0.0.1:9"}, {"prefix": "run7", "url": "http://127.0.0.1"},
    {"prefix": "run7", "url": ["http://127.0.0.1:9"]}, {"prefix": ["run7"], "url": "http://127.0.0.1:9"},
    {"prefix": "run7", "url": "http://[::1"},
], ids=["nothing", "empty prefix", "other host", "https", "no port", "url list", "prefix list", "bad url"])
def test_even_with_the_token_only_a_loopback_worker_can_register(hub, fields):
    assert post_register(hub, {"token": hub.token} | fields).status == 400


def test_register_reports_a_refusal_as_a_harness_error(hub):
    with pytest.raises(HarnessError, match="refused this worker: 403"):
        register(hub.url, "not-the-token", "run7", "http://127.0.0.1:9")


def test_each_run_has_its_own_token():
    first, second = CaptureHub("127.0.0.1", 0), CaptureHub("127.0.0.1", 0)
    assert first.token != second.token and len(first.token) >= 32
    assert first.token not in repr(first)


# --- relaying: each webhook to the worker whose run prefix its channel carries --------------------------
@pytest.fixture
def workers():
    started = [CaptureServer(run_prefix=prefix).start() for prefix in ("run7-gw0", "run7-gw1")]
    yield started
    for server in started:
        server.stop()


def post(hub, endpoint, body):
    return post_json(hub.url_for(f"/webhook/{endpoint}"), body)


def test_each_webhook_reaches_only_the_worker_of_its_channel_on_the_same_endpoint(hub, workers):
    for server in workers:
        register(hub.url, hub.token, server.run_prefix, server.url_for(""))
    created = {"type": "session.created", "channel_id": "run7-gw1-room", "session_id": "S1"}
    event = {"type": "connection.created", "channel_id": "run7-gw0-room", "connection_id": "C1"}
    assert post_bytes(hub.url_for("/webhook/session"), json.dumps(created)).status == 200  # relayed byte for byte
    assert post(hub, "event", event).status == 200
    first, second = workers
    assert [(r.endpoint, r.type) for r in first.records] == [("event", "connection.created")]
    assert [(r.endpoint, r.type) for r in second.records] == [("session", "session.created")]
    assert second.records[0].payload == created and second.records[0].raw == json.dumps(created).encode()


def test_a_channel_that_only_starts_with_a_workers_prefix_is_not_relayed_to_it(hub, workers):
    for server in workers:
        register(hub.url, hub.token, server.run_prefix, server.url_for(""))
    answer = post(hub, "auth", {"channel_id": "run7-gw1x", "connection_id": "C1", "role": "sendonly"})
    assert answer.json()["allowed"] is False and all(server.records == [] for server in workers)


def test_the_workers_programmed_answer_comes_back_through_the_hub(hub, workers):
    worker = workers[0]
    register(hub.url, hub.token, worker.run_prefix, worker.url_for(""))
    worker.answer("run7-gw0-room", "session.created", {"recording": True, "recording_split_only": False})
    answer = post(hub, "session", {"type": "session.created", "channel_id": "run7-gw0-room", "session_id": "S1"})
    assert answer.status == 200 and answer.json() == {"recording": True, "recording_split_only": False}


def test_a_worker_that_is_gone_gets_a_502_naming_no_address(hub, workers):
    worker = workers[0]
    register(hub.url, hub.token, worker.run_prefix, worker.url_for(""))
    worker.stop()
    answer = post(hub, "auth", {"channel_id": "run7-gw0-room", "connection_id": "C1", "role": "sendonly"})
    assert answer.status == 502 and "127.0.0.1" not in answer.data.decode()


def test_other_channels_go_to_the_forward_url_with_the_backends_answer():
    from pytest_httpserver import HTTPServer

    with HTTPServer(host="127.0.0.1", port=0) as backend:
        backend.expect_request("/hooks/session", method="POST").respond_with_json({"from": "backend"}, status=201)
        relaying = CaptureHub("127.0.0.1", 0, forward_url=backend.url_for("/hooks/{endpoint}")).start()
        try:
            answer = post(relaying, "session", {"type": "session.created", "channel_id": "other", "session_id": "S"})
            assert answer.status == 201 and answer.json() == {"from": "backend"} and len(backend.log) == 1
        finally:
            relaying.stop()


@pytest.mark.parametrize("body", [b"{oops", b"[]", b""], ids=["not JSON", "array", "empty"])
def test_a_body_that_is_not_a_webhook_gets_400_and_is_relayed_nowhere(hub, workers, body):
    register(hub.url, hub.token, workers[0].run_prefix, workers[0].url_for(""))
    answer = post_bytes(hub.url_for("/webhook/session"), body)
    assert answer.status == 400 and answer.headers["content-type"] == "application/json"
    assert workers[0].records == [] and list(workers[0].malformed) == []
