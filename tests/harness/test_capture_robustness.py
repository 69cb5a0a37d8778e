"""Whatever reaches the capture server's port gets a JSON answer, never a 500: 400 for what is not a webhook
(kept as malformed evidence), 404 / 405 for other paths and methods (naming nothing inside), 413 above the
size limit; and what it keeps of such requests is bounded."""
import json

import pytest
import requests

from sora_conformance.harness.capture import KEPT_OUTSIDE_RUN, CaptureServer
from sora_conformance.harness.config import ConfigError, build_config
from sora_conformance.harness.webhook_server import DEFAULT_MAX_BODY


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
    answer = requests.post(capture.url(endpoint), data=body, timeout=10)
    assert answer.status_code == 400 and answer.headers["content-type"] == "application/json", answer.text[:200]
    assert answer.json()["error"]
    (record,) = capture.malformed
    assert record.endpoint == endpoint and record.problem == answer.json()["error"]
    assert "problem" in record.as_evidence()


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/webhook/session", 405), ("PUT", "/webhook/auth", 405), ("DELETE", "/webhook/event", 405),
    ("POST", "/", 404), ("POST", "/webhook/other", 404), ("GET", "/control/stats", 404), ("POST", "/hub/register", 404),
])
def test_other_paths_and_methods_get_json_without_internals(capture, method, path, status):
    answer = requests.request(method, capture.url_for(path), data=b"{}", timeout=10)
    assert answer.status_code == status and answer.headers["content-type"] == "application/json"
    assert set(answer.json()) == {"error"} and "webhook" not in answer.text and "handler" not in answer.text.lower()


def test_a_body_above_the_limit_gets_413_and_is_not_read(capture):
    answer = requests.post(capture.url("session"), data=b"x" * (1024 * 1024), timeout=10)
    assert answer.status_code == 413 and answer.json()["error"]
    (record,) = capture.malformed
    assert record.raw == b"" and "larger than" in (record.problem or "")


def test_a_chunked_body_above_the_limit_gets_413(capture):
    chunks = (b"x" * 16_384 for _ in range(64))  # no Content-Length: the limit holds while reading
    answer = requests.post(capture.url("event"), data=chunks, timeout=10)
    assert answer.status_code == 413


def test_a_body_under_the_limit_is_accepted(capture):
    payload = {"type": "session.created", "channel_id": "run1-a", "session_metadata": {"pad": "x" * 50_000}}
    assert requests.post(capture.url("session"), json=payload, timeout=10).status_code == 200
    assert len(capture.for_channel("run1-a")) == 1


def test_malformed_requests_are_kept_only_up_to_a_bound(capture):
    for _ in range(KEPT_OUTSIDE_RUN + 20):
        requests.post(capture.url("event"), data=b"{" + b"x" * 20_000, timeout=10)
    assert len(capture.malformed) == KEPT_OUTSIDE_RUN and all(len(r.raw) <= 4096 for r in capture.malformed)


def test_the_size_limit_is_an_option():
    assert build_config({}, env={}).webhook_max_body == DEFAULT_MAX_BODY
    assert build_config({"webhook_max_body": "512KiB"}, env={}).webhook_max_body == 512 * 1024
    assert build_config({"webhook_max_body": "2000000"}, env={}).webhook_max_body == 2_000_000
    for bad in ("lots", "10", "5GiB", "-1MiB"):
        with pytest.raises(ConfigError, match="--webhook-max-body"):
            build_config({"webhook_max_body": bad}, env={})
