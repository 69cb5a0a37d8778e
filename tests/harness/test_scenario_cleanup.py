"""Scenario.cleanup: whatever a test did, every client it opened is closed and every recording it may have started
is stopped (through call() too, legacy ones with the legacy API); what could not be undone is reported."""
import json

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sora_conformance.clients import ClientError
from sora_conformance.harness.verdict import HarnessError

START, STOP = "Sora_20231220.StartRecording", "Sora_20231220.StopRecording"
LEGACY_START, LEGACY_STOP = "Sora_20161101.StartRecording", "Sora_20161101.StopRecording"


class FakeClient:
    def __init__(self, connection_id, fails=False):
        self.connection_id = connection_id
        self.fails = fails
        self.disconnects = 0

    def disconnect(self, timeout):
        self.disconnects += 1
        if self.fails:
            raise ClientError("worker process died")


@pytest.fixture
def api():
    """A Sora API that refuses every StopRecording as already ended (most tests end their recordings)."""
    with HTTPServer(host="127.0.0.1", port=0) as server:
        def answer(request: Request) -> Response:
            status = 404 if request.headers["x-sora-target"].endswith("StopRecording") else 200
            return Response(json.dumps({"error_type": "RECORDING-NOT-FOUND"} if status == 404 else {}), status,
                            content_type="application/json")
        server.expect_request("/", method="POST").respond_with_handler(answer)
        yield server


def calls(server):
    return [(request.headers["x-sora-target"], request.get_json()) for request, _ in server.log]


def test_recordings_started_through_call_are_stopped_each_with_its_own_api(api, make_scenario):
    sora = make_scenario(api.url_for("/"))
    sora.call(START, {"channel_id": "run-a"})
    sora.call(LEGACY_START, {"channel_id": "run-b", "expire_time": 0})
    sora.call(START, {"channel_id": 42})  # not a channel: nothing to stop
    sora.call("Sora_20231220.ListSessions", {})
    assert sora.cleanup() == []  # 404: already ended, as expected
    stops = [(target, body) for target, body in calls(api) if target.endswith("StopRecording")]
    assert sorted(stops) == [(LEGACY_STOP, {"channel_id": "run-b"}), (STOP, {"channel_id": "run-a"})]


def test_recordings_started_by_steps_are_stopped_too(api, make_scenario):
    sora = make_scenario(api.url_for("/"))
    sora.start_recording("run-c")
    sora.legacy_start_recording("run-d", expire_time=0)
    sora.cleanup()
    stops = sorted((target, body) for target, body in calls(api) if target.endswith("StopRecording"))
    assert stops == [(LEGACY_STOP, {"channel_id": "run-d"}), (STOP, {"channel_id": "run-c"})]


def test_a_recording_asked_for_in_the_session_created_answer_is_stopped(api, make_scenario):
    sora = make_scenario(api.url_for("/"))
    sora.answer_session_created("run-g", {"recording": True, "recording_expire_time": 60})
    sora.answer_session_created("run-h", {"session_metadata": {"m": 1}})
    sora.cleanup()
    assert [body for target, body in calls(api)] == [{"channel_id": "run-g"}]


def test_every_client_is_disconnected_even_after_one_fails(api, make_scenario):
    sora = make_scenario(api.url_for("/"))
    broken, fine = FakeClient("C1", fails=True), FakeClient("C2")
    sora.clients += [broken, fine]
    problems = sora.cleanup()
    assert broken.disconnects == 1 and fine.disconnects == 1
    assert problems == ["client C1: worker process died"]


def test_a_stop_that_cannot_reach_the_target_is_reported_not_raised(make_scenario):
    sora = make_scenario("http://127.0.0.1:9/")  # nothing listens on the discard port
    for target, channel in ((START, "run-e"), (LEGACY_START, "run-f")):
        with pytest.raises(HarnessError):
            sora.call(target, {"channel_id": channel})  # the start may have arrived: cleanup still stops it
    problems = sorted(sora.cleanup())
    assert [p.split(":", 1)[0] for p in problems] == [f"{LEGACY_STOP} run-f", f"{STOP} run-e"]
    assert all("cannot reach the Sora API" in p for p in problems)


def test_nothing_started_means_no_call_at_all(api, make_scenario):
    assert make_scenario(api.url_for("/")).cleanup() == []
    assert calls(api) == []
