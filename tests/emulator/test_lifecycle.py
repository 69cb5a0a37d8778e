"""Sessions, recordings, files and webhooks, driven by the real sora-sdk client."""
import json
import threading
import uuid

import av
import requests

from sora_conformance.contract.files import validate_archive_dir

TIMEOUT = 10


def channel():
    return f"life-{uuid.uuid4().hex[:8]}"


def call(emulator, target, body):
    return requests.post(emulator.api_url, headers={"x-sora-target": target}, json=body, timeout=5)


def test_session_is_created_with_the_first_connection_and_destroyed_after_the_last(emulator, receiver, pool):
    ch = channel()
    first = pool.connect([emulator.signaling_url], ch, "sendonly")
    second = pool.connect([emulator.signaling_url], ch, "recvonly")
    created = receiver.wait_for("session.created", ch, clause="SESSION", timeout=TIMEOUT)
    assert created.payload["session_id"] == first.session_id == second.session_id
    first.disconnect()
    second.disconnect()
    destroyed = receiver.wait_for("session.destroyed", ch, clause="SESSION", timeout=TIMEOUT)
    assert destroyed.payload["total_connections"] == 2 and len(receiver.find("session.created", ch)) == 1


def test_recording_files_are_playable_and_last_as_long_as_recorded(emulator, receiver, pool):
    ch = channel()
    client = pool.connect([emulator.signaling_url], ch, "sendonly")
    answer = call(emulator, "Sora_20231220.StartRecording", {"channel_id": ch}).json()
    receiver.wait_for("archive.started", ch, clause="FILES", timeout=TIMEOUT)
    call(emulator, "Sora_20231220.StopRecording", {"channel_id": ch})
    receiver.wait_for("recording.report", ch, clause="FILES", timeout=TIMEOUT)
    directory = emulator.config.archive_dir / answer["recording_id"]
    archive = json.loads((directory / f"archive-{client.connection_id}.json").read_text())
    with av.open(str(directory / archive["filename"])) as media:
        seconds = media.duration / 1_000_000
    assert seconds >= 0.2 and archive["stop_time_offset"] >= archive["start_time_offset"]
    assert all(not r.fails(strict=True) for r in validate_archive_dir(directory))
    client.disconnect()


def test_recording_started_by_session_created_ends_with_the_session(emulator, receiver, pool):
    ch = channel()
    receiver.answer(ch, "session.created", {"recording": True, "recording_metadata": {"m": 1}})
    client = pool.connect([emulator.signaling_url], ch, "sendonly")
    started = receiver.wait_for("recording.started", ch, clause="REC", timeout=TIMEOUT, endpoint="session")
    client.disconnect()
    report = receiver.wait_for("recording.report", ch, clause="REC", timeout=TIMEOUT, endpoint="session")
    assert report.data()["recording_id"] == started.data()["recording_id"]
    assert report.data()["recording_metadata"] == {"m": 1} and "metadata" not in report.data()
    assert not [v for r in receiver.for_channel(ch) for v in r.violations if v.level == "must"]


def test_recording_block_keeps_a_connection_out(emulator, receiver, pool):
    ch = channel()
    recorded = pool.connect([emulator.signaling_url], ch, "sendonly")
    receiver.answer(ch, "auth:blocked", {"recording_block": True})
    blocked = pool.connect([emulator.signaling_url], ch, "sendonly", metadata={"conformance_tag": "blocked"})
    call(emulator, "Sora_20231220.StartRecording", {"channel_id": ch})
    call(emulator, "Sora_20231220.StopRecording", {"channel_id": ch})
    report = receiver.wait_for("recording.report", ch, clause="BLOCK", timeout=TIMEOUT)
    archived = [a["connection_id"] for a in report.data()["archives"]]
    assert archived == [recorded.connection_id] and blocked.connection_id not in archived
    recorded.disconnect()
    blocked.disconnect()


def test_disconnect_connection_api_closes_with_the_real_reason(emulator, pool):
    ch = channel()
    client = pool.connect([emulator.signaling_url], ch, "sendonly")
    assert call(emulator, "Sora_20151104.DisconnectConnection",
                {"channel_id": ch, "connection_id": client.connection_id}).status_code == 200
    assert "DISCONNECTED-API" in (client.wait_closed(TIMEOUT).message or "")


def test_refused_auth_keeps_the_client_out(emulator, receiver, pool):
    ch = channel()
    receiver.answer(ch, "auth", {"allowed": False, "reason": "NOT-TODAY"})
    try:
        pool.connect([emulator.signaling_url], ch, "sendonly", timeout=5)
    except Exception as exc:
        assert "could not connect" in str(exc)
    else:
        raise AssertionError("a refused client got in")


def test_webhook_receiver_down_is_logged_and_serving_goes_on(make_emulator, pool, tmp_path):
    emulator = make_emulator(session_webhook_url="http://127.0.0.1:9/down", event_webhook_url=None,
                             auth_webhook_url=None, webhook_timeout=1.0)
    client = pool.connect([emulator.signaling_url], channel(), "sendonly")
    client.disconnect()
    errors = (emulator.config.webhook_log_dir / "session_webhook_error.jsonl").read_text().splitlines()
    assert errors and "cannot reach" in json.loads(errors[0])["error"]
    assert call(emulator, "Sora_20231220.ListSessions", {}).status_code == 200


def test_every_role_connects_and_only_senders_are_recorded(emulator, receiver, pool):
    ch = channel()
    clients = {role: pool.connect([emulator.signaling_url], ch, role) for role in ("sendonly", "sendrecv", "recvonly")}
    call(emulator, "Sora_20231220.StartRecording", {"channel_id": ch})
    call(emulator, "Sora_20231220.StopRecording", {"channel_id": ch})
    report = receiver.wait_for("recording.report", ch, clause="ROLES", timeout=TIMEOUT)
    archived = {a["connection_id"] for a in report.data()["archives"]}
    assert archived == {clients["sendonly"].connection_id, clients["sendrecv"].connection_id}
    for client in clients.values():
        client.disconnect()


def test_media_nobody_records_is_dropped_on_arrival_and_a_second_recording_starts_cleanly(emulator, receiver, pool):
    ch = channel()
    client = pool.connect([emulator.signaling_url], ch, "sendonly")
    tap = emulator.app.signaling.media(client.connection_id)
    assert not tap.active and not tap.receiving  # aiortc drops the packets: no jitter buffer, no decoder wake-up
    directories = []
    for _ in range(2):  # the second recording starts after packets were dropped: it must restart on a key frame
        recording_id = call(emulator, "Sora_20231220.StartRecording", {"channel_id": ch}).json()["recording_id"]

        def this_one(webhook, recording_id=recording_id):
            return recording_id in json.dumps(webhook.payload)

        receiver.wait_for("archive.started", ch, clause="FILES", timeout=TIMEOUT, match=this_one)
        assert tap.receiving
        threading.Event().wait(0.8)  # sleep-ok: the recorded interval itself
        call(emulator, "Sora_20231220.StopRecording", {"channel_id": ch})
        receiver.wait_for("recording.report", ch, clause="FILES", timeout=TIMEOUT, match=this_one)
        assert not tap.receiving
        directories.append(emulator.config.archive_dir / recording_id)
    client.disconnect()
    for directory in directories:
        archive = json.loads((directory / f"archive-{client.connection_id}.json").read_text())
        with av.open(str(directory / archive["filename"])) as media:
            frames = [frame.to_ndarray(format="rgb24") for frame in media.decode(video=0)]
        assert frames, f"no video in {directory.name}"
        colour = frames[-1].reshape(-1, 3).mean(axis=0)
        assert ((colour - client.signature.colour) ** 2).sum() ** 0.5 < 60, colour
