"""The HTTP API: whatever the body, a 4xx JSON answer with error_type, never a 500 or a crash."""
import pytest
import requests

GARBAGE = [b"", b"{", b"[]", b"null", b'"text"', b'{"channel_id": 5}', b'{"channel_id": ""}', b"\xff\xfe",
           b'{"channel_id": "c", "expire_time": {"deep": [1]}}', b'{"channel_id": "' + b"x" * 300 + b'"}']
TARGETS = ["Sora_20231220.StartRecording", "Sora_20231220.StopRecording", "Sora_20231220.GetSession",
           "Sora_20230628.TerminateSession", "Sora_20151104.DisconnectConnection", "Sora_20161101.StartRecording"]


def post(emulator, target, data):
    return requests.post(emulator.api_url, headers={"x-sora-target": target, "content-type": "application/json"},
                         data=data, timeout=5)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("body", GARBAGE, ids=range(len(GARBAGE)))
def test_bad_bodies_get_a_4xx_with_error_type(emulator, target, body):
    answer = post(emulator, target, body)
    assert 400 <= answer.status_code < 500 and isinstance(answer.json()["error_type"], str)


def test_unknown_target_is_refused_by_name(emulator):
    answer = post(emulator, "Sora_20231220.Nothing", b"{}")
    assert answer.status_code == 400 and answer.json()["error_type"] == "UNKNOWN-TARGET"


def test_missing_target_header_is_refused(emulator):
    answer = requests.post(emulator.api_url, json={}, timeout=5)
    assert answer.status_code == 400 and "x-sora-target" in answer.json()["message"]


def test_other_methods_and_paths_get_json_errors(emulator):
    assert requests.get(emulator.api_url, timeout=5).status_code == 405
    assert requests.post(emulator.api_url + "elsewhere", json={}, timeout=5).status_code == 404


def test_list_sessions_answers_an_array(emulator):
    answer = post(emulator, "Sora_20231220.ListSessions", b"{}")
    assert answer.status_code == 200 and answer.json() == []


def test_start_recording_without_session_is_session_not_found(emulator):
    answer = post(emulator, "Sora_20231220.StartRecording", b'{"channel_id": "empty"}')
    assert answer.status_code == 400 and answer.json()["error_type"] == "SESSION-NOT-FOUND"


def test_legacy_api_is_off_by_default(emulator):
    answer = post(emulator, "Sora_20161101.StartRecording", b'{"channel_id": "c", "expire_time": 0}')
    assert answer.json()["error_type"] == "LEGACY-RECORDING-DISABLED"


def test_server_keeps_serving_after_a_truncated_request(emulator):
    import socket

    with socket.create_connection(("127.0.0.1", emulator.api_port)) as raw:
        raw.sendall(b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
    assert post(emulator, "Sora_20231220.ListSessions", b"{}").status_code == 200


def test_faults_cannot_be_switched_on_over_http(emulator):
    """Faults are chosen at start: no unauthenticated control endpoint changes how the emulator behaves."""
    answer = requests.post(emulator.api_url + "control/faults", json={"faults": ["refusal-as-server-error"]},
                           timeout=5)
    assert answer.status_code == 404
    assert post(emulator, "Sora_20231220.Nothing", b"{}").status_code == 400  # still a 4xx refusal, not a 500


def test_the_control_endpoint_exists_only_with_a_token_and_answers_only_it(make_emulator):
    """No control endpoint without authentication: none at all by default; with a token, 403 without it."""
    closed = make_emulator()
    assert requests.post(closed.api_url + "control/stats", json={}, timeout=10).status_code == 404
    guarded = make_emulator(control_token="s3cret-token")
    assert requests.post(guarded.api_url + "control/stats", json={}, timeout=10).status_code == 403
    wrong = {"x-control-token": "guess"}
    assert requests.post(guarded.api_url + "control/stats", json={}, headers=wrong, timeout=10).status_code == 403
    right = {"x-control-token": "s3cret-token"}
    answer = requests.post(guarded.api_url + "control/stats", json={}, headers=right, timeout=10)
    assert answer.status_code == 200 and "sessions" in answer.json()
    assert "s3cret-token" not in repr(guarded.config)
