"""Whatever reaches the capture server's port gets a JSON answer, never a 500 or a page: 400 for what is not a
webhook (kept as malformed evidence) or not HTTP at all, 404 / 405 for other paths and methods (naming nothing
inside), 413 above the size limit, 431 for an oversized request line or header; and what it keeps of such
requests is bounded."""
import json
import socket

import pytest

from sora_conformance.harness.capture import KEPT_OUTSIDE_RUN, CaptureServer
from sora_conformance.harness.config import ConfigError, build_config
from sora_conformance.harness.webhook_server import DEFAULT_MAX_BODY

from .http_client import HTTP
from .http_client import post_bytes as post


@pytest.fixture
def capture():
    server = CaptureServer(run_prefix="run1", max_body=256 * 1024).start()
    yield server
    server.stop()


NOT_WEBHOOKS = {
    "type is a list": json.dumps({"type": ["session.created"], "channel_id": "run1-a"}),
    "type is a dict": json.dumps({"type": {"a": 1}, "channel_id": "run1-a"}),
    "type is an int": json.dumps({"type": 7, "channel_id": "run1-a"}),
    "100,000-deep array": "[" * 100_000,
    "40,000-deep object": '{"a":' * 40_000,
    "deep but valid": json.dumps({"channel_id": "run1-a", "metadata": json.loads("[" * 500 + "]" * 500)}),
    "not JSON": "{oops",
    "not UTF-8": b"\xff\xfe{",
    "a JSON array": "[1, 2]",
    "a JSON string": '"session.created"',
    "empty": "",
    "huge integer": '{"n": ' + "9" * 5000 + "}",
}


@pytest.mark.parametrize("endpoint", ["session", "event", "auth"])
@pytest.mark.parametrize("body", NOT_WEBHOOKS.values(), ids=NOT_WEBHOOKS.keys())
def test_what_is_not_a_webhook_gets_400_json_and_is_kept(capture, endpoint, body):
    answer = post(capture.url(endpoint), body)
    assert answer.status == 400 and answer.headers["content-type"] == "application/json", answer.data[:200]
    assert answer.json()["error"]
    (record,) = capture.malformed
    assert record.endpoint == endpoint and record.problem == answer.json()["error"]
    assert "problem" in record.as_evidence()


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/webhook/session", 405), ("PUT", "/webhook/auth", 405), ("DELETE", "/webhook/event", 405),
    ("POST", "/", 404), ("POST", "/webhook/other", 404), ("GET", "/control/stats", 404), ("POST", "/hub/register", 404),
])
def test_other_paths_and_methods_get_json_without_internals(capture, method, path, status):
    answer = HTTP.request(method, capture.url_for(path), body=b"{}")
    assert answer.status == status and answer.headers["content-type"] == "application/json"
    text = answer.data.decode()
    assert set(answer.json()) == {"error"} and "webhook" not in text and "handler" not in text.lower()


def test_a_body_above_the_limit_gets_413_and_is_not_read(capture):
    answer = post(capture.url("session"), b"x" * (1024 * 1024))
    assert answer.status == 413 and answer.json()["error"]
    (record,) = capture.malformed
    assert record.raw == b"" and "larger than" in (record.problem or "")


def test_a_chunked_body_above_the_limit_gets_413(capture):
    chunks = (b"x" * 16_384 for _ in range(64))  # no Content-Length: the limit holds while reading
    answer = HTTP.request("POST", capture.url("event"), body=chunks, chunked=True)
    assert answer.status == 413


def test_a_body_under_the_limit_is_accepted(capture):
    payload = {"type": "session.created", "channel_id": "run1-a", "session_metadata": {"pad": "x" * 50_000}}
    assert HTTP.request("POST", capture.url("session"), json=payload).status == 200
    assert len(capture.for_channel("run1-a")) == 1


def test_malformed_requests_are_kept_only_up_to_a_bound(capture):
    for _ in range(KEPT_OUTSIDE_RUN + 20):
        post(capture.url("event"), b"{" + b"x" * 20_000)
    assert len(capture.malformed) == KEPT_OUTSIDE_RUN and all(len(r.raw) <= 4096 for r in capture.malformed)


def raw_exchange(capture, request: bytes) -> tuple[int, dict]:
    """What the server answers to bytes that may not be HTTP at all: status and JSON body."""
    with socket.create_connection(("127.0.0.1", capture.port), timeout=10) as peer:
        peer.sendall(request)
        answer = b""
        while chunk := peer.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in head.lower(), head
    return int(head.split()[1]), json.loads(body)


@pytest.mark.parametrize("request_bytes", [
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64 + b"\r\n\r\n",  # a TLS hello
    b"GARBAGE\r\n\r\n", b"POST /webhook/session HTTP/9.9\r\n\r\n", b"POST  HTTP/1.1\r\n\r\n",
    b"POST /webhook/session HTTP/1.1\r\nContent-Length: many\r\n\r\n",
    b"POST /webhook/session HTTP/1.1\r\nno colon here\r\n\r\n",
], ids=["tls", "one word", "http 9.9", "no path", "bad length", "bad header"])
def test_what_is_not_http_gets_a_json_400(capture, request_bytes):
    status, body = raw_exchange(capture, request_bytes)
    assert status == 400 and set(body) == {"error"}


@pytest.mark.parametrize("request_bytes", [
    b"POST /webhook/" + b"s" * 9000 + b" HTTP/1.1\r\n\r\n",
    b"POST /webhook/session HTTP/1.1\r\nX-Long: " + b"v" * 9000 + b"\r\n\r\n",
], ids=["request line", "header"])
def test_an_oversized_request_line_or_header_gets_a_json_431(capture, request_bytes):
    status, body = raw_exchange(capture, request_bytes)
    assert status == 431 and "8190" in body["error"]


def test_the_size_limit_is_an_option():
    assert build_config({}, env={}).webhook_max_body == DEFAULT_MAX_BODY
    assert build_config({"webhook_max_body": "512KiB"}, env={}).webhook_max_body == 512 * 1024
    assert build_config({"webhook_max_body": "2000000"}, env={}).webhook_max_body == 2_000_000
    for bad in ("lots", "10", "5GiB", "-1MiB"):
        with pytest.raises(ConfigError, match="--webhook-max-body"):
            build_config({"webhook_max_body": bad}, env={})
