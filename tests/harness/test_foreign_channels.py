"""On a shared staging Sora, other teams' webhooks reach the capture server too: their auth is denied unless
relayed to the operator's backend or explicitly allowed, and their session.created never starts a recording."""
import pytest
from pytest_httpserver import HTTPServer

from sora_conformance.harness.capture import KEPT_OUTSIDE_RUN, CaptureServer
from sora_conformance.harness.hub import CaptureHub

from .http_client import post_json

AUTH = {"channel_id": "other-team-room", "connection_id": "C1", "role": "sendonly"}
SESSION_CREATED = {"type": "session.created", "channel_id": "other-team-room", "session_id": "S1"}


def post(server, endpoint, body):
    return post_json(server.url_for(f"/webhook/{endpoint}"), body)


@pytest.mark.parametrize("body", [AUTH, {"connection_id": "C1", "role": "sendonly"}, AUTH | {"channel_id": 42}],
                         ids=["other channel", "no channel_id", "channel_id not a string"])
def test_auth_outside_the_run_is_denied_with_a_reason(capture, body):
    answer = post(capture, "auth", body)
    assert answer.status == 200 and answer.json()["allowed"] is False and answer.json()["reason"]
    assert capture.records == []


def test_the_runs_own_channels_are_still_allowed(capture):
    assert post(capture, "auth", AUTH | {"channel_id": "run1-a"}).json() == {"allowed": True}


@pytest.mark.parametrize("channel", ["run1", "run1x", "run1_a", "run10-a"])
def test_a_channel_that_only_starts_with_the_run_prefix_is_not_the_runs(capture, channel):
    """The run's channels are `<prefix>-...`: `run1x` may be another run's (`run1` is a prefix of `run10`)."""
    assert post(capture, "auth", AUTH | {"channel_id": channel}).json()["allowed"] is False
    assert post(capture, "session", SESSION_CREATED | {"channel_id": channel}).status == 200
    assert capture.records == [] and capture.for_channel(channel) == []


def test_a_programmed_answer_never_applies_to_another_channel(capture):
    capture.answer("other-team-room", "session.created", {"recording": True})
    capture.answer("other-team-room", "auth", {"allowed": True})
    assert post(capture, "session", SESSION_CREATED).json() == {}
    assert post(capture, "auth", AUTH).json()["allowed"] is False
    assert capture.for_channel("other-team-room") == []


def test_allowing_other_channels_is_an_explicit_choice():
    server = CaptureServer(run_prefix="run1", allow_foreign=True).start()
    try:
        assert post(server, "auth", AUTH).json() == {"allowed": True}
        assert post(server, "session", SESSION_CREATED).json() == {}  # still no recording
    finally:
        server.stop()


@pytest.mark.parametrize("body", [AUTH, {"connection_id": "C1", "role": "sendonly"}], ids=["other", "no channel_id"])
def test_relayed_auth_gets_the_backends_answer_unchanged(body):
    with HTTPServer(host="127.0.0.1", port=0) as backend:
        backend.expect_request("/hooks/auth", method="POST").respond_with_json(
            {"allowed": False, "reason": "backend says no", "extra": 1}, status=403)
        server = CaptureServer(run_prefix="run1", forward_url=backend.url_for("/hooks/{endpoint}")).start()
        try:
            answer = post(server, "auth", body)
            assert answer.status == 403 and answer.json() == {"allowed": False, "reason": "backend says no",
                                                                   "extra": 1}
            assert len(backend.log) == 1
        finally:
            server.stop()


def test_other_channels_are_kept_only_up_to_a_bound(capture):
    for n in range(KEPT_OUTSIDE_RUN + 50):
        post(capture, "session", SESSION_CREATED | {"channel_id": f"other-{n}", "padding": "x" * 10_000})
    assert len(capture.foreign) == KEPT_OUTSIDE_RUN and capture.records == []
    assert all(len(record.raw) <= 4096 and record.payload is None for record in capture.foreign)
    assert capture.foreign[-1].channel_id == f"other-{KEPT_OUTSIDE_RUN + 49}"


def test_the_xdist_hub_denies_other_channels_too():
    hub = CaptureHub("127.0.0.1", 0).start()
    try:
        assert post(hub, "auth", AUTH).json()["allowed"] is False
        assert post(hub, "auth", {"role": "sendonly"}).json()["allowed"] is False
        assert post(hub, "session", SESSION_CREATED).json() == {}
    finally:
        hub.stop()
