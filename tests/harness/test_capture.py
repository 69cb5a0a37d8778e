"""The capture server: records, answers per channel, validates on arrival, and waits without polling."""
import json
import threading
import time

import pytest
from pytest_httpserver import HTTPServer

from sora_conformance.paths import fixtures_dir
from sora_conformance.harness.capture import CaptureServer, WaitTimeout

from .http_client import post_bytes, post_json


def example(name):
    return json.loads((fixtures_dir() / "valid" / name / "full.json").read_text())


def post(capture, endpoint, payload):
    return post_json(capture.url(endpoint), payload)


def test_programmed_session_created_answer_is_returned(capture):
    payload = example("session.created") | {"channel_id": "run1-a"}
    capture.answer("run1-a", "session.created", {"recording": True})
    assert post(capture, "session", payload).json() == {"recording": True}
    assert post(capture, "session", payload | {"channel_id": "run1-b"}).json() == {}


def test_auth_answers_can_target_one_tagged_client(capture):
    capture.answer("run1-a", "auth:t1", {"recording_block": True})
    base = {"channel_id": "run1-a", "connection_id": "C", "role": "sendonly"}
    assert post(capture, "auth", base | {"metadata": {"conformance_tag": "t1"}}).json() == {
        "allowed": True, "recording_block": True}
    assert post(capture, "auth", base).json() == {"allowed": True}


def test_wait_returns_a_webhook_that_arrives_later(capture):
    payload = example("recording.started") | {"channel_id": "run1-w"}
    timer = threading.Timer(0.2, post, args=(capture, "session", payload))
    timer.start()
    started = time.monotonic()
    record = capture.wait_for("recording.started", "run1-w", clause="REC-START-ON-CREATE", timeout=5)
    assert record.endpoint == "session" and time.monotonic() - started < 2
    timer.join()


def test_wait_timeout_names_event_channel_and_clause(capture):
    with pytest.raises(WaitTimeout, match=r"\[REC-STOP-ON-DESTROY\] no recording.report on the session webhook "
                                          r"for channel run1-x"):
        capture.wait_for("recording.report", "run1-x", clause="REC-STOP-ON-DESTROY", timeout=0.2, endpoint="session")


def test_payloads_are_validated_on_arrival(capture):
    payload = example("recording.report") | {"channel_id": "run1-v", "log_written": True}
    post(capture, "session", payload)
    (record,) = capture.for_channel("run1-v")
    assert "WH-REC-NO-LOG-WRITTEN" in {v.clause for v in record.violations}


def test_a_session_recording_webhook_on_the_event_endpoint_is_flagged(capture):
    post(capture, "event", example("recording.started") | {"channel_id": "run1-e"})
    (record,) = capture.for_channel("run1-e")
    assert "WH-REC-SESSION-WEBHOOK" in {v.clause for v in record.violations}


def test_malformed_body_is_kept_and_answered_400(capture):
    answer = post_bytes(capture.url("event"), b"{oops")
    assert answer.status == 400 and capture.malformed and capture.malformed[0].raw == b"{oops"


def test_other_channels_are_relayed_to_the_operators_receiver():
    with HTTPServer(host="127.0.0.1", port=0) as backend:
        backend.expect_request("/hooks/session", method="POST").respond_with_json({"recording": False, "from": "backend"})
        capture = CaptureServer(run_prefix="run1", forward_url=backend.url_for("/hooks/{endpoint}")).start()
        try:
            foreign = example("session.created") | {"channel_id": "production-room"}
            assert post(capture, "session", foreign).json() == {"recording": False, "from": "backend"}
            assert capture.for_channel("production-room") == []
            ours = example("session.created") | {"channel_id": "run1-z"}
            assert post(capture, "session", ours).json() == {}
        finally:
            capture.stop()


def test_session_updated_is_validated_and_never_confused_with_what_a_test_awaits(capture):
    created = example("session.created") | {"channel_id": "run1-u"}
    post(capture, "session", created)
    for _ in range(3):
        assert post(capture, "session", example("session.updated") | {"channel_id": "run1-u"}).json() == {}
    updates = capture.find("session.updated", "run1-u")
    assert len(updates) == 3 and all(r.schema == "session.updated" and r.violations == [] for r in updates)
    assert capture.wait_for("session.created", "run1-u", clause="X", timeout=1).payload == created
    assert capture.none_within("session.destroyed", "run1-u", within=0.1) is None
