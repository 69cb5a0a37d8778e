"""The emulator's webhook logs are written the way Sora writes them, and round-trip through `validate`."""
import json
import uuid

import requests

from sora_conformance.cli import main

TIMEOUT = 10


def lines(path):
    return [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines() if text.strip()]


def test_logs_use_sora_line_format_and_validate_clean(make_emulator, receiver, pool, capsys):
    emulator = make_emulator(session_updated_webhook_interval=0.2)
    ch = f"logs-{uuid.uuid4().hex[:8]}"
    client = pool.connect([emulator.signaling_url], ch, "sendonly")
    requests.post(emulator.api_url, headers={"x-sora-target": "Sora_20231220.StartRecording"},
                  json={"channel_id": ch}, timeout=5)
    receiver.wait_for("session.updated", ch, clause="LOGS", timeout=TIMEOUT)
    requests.post(emulator.api_url, headers={"x-sora-target": "Sora_20231220.StopRecording"},
                  json={"channel_id": ch}, timeout=5)
    receiver.wait_for("recording.report", ch, clause="LOGS", timeout=TIMEOUT)
    client.disconnect()
    receiver.wait_for("session.destroyed", ch, clause="LOGS", timeout=TIMEOUT)
    receiver.wait_for("connection.destroyed", ch, clause="LOGS", timeout=TIMEOUT)
    logs = emulator.config.webhook_log_dir
    session_log, event_log, auth_log = (logs / f"{hook}_webhook.jsonl" for hook in ("session", "event", "auth"))
    for line in lines(session_log) + lines(event_log) + lines(auth_log):
        assert set(line) == {"id", "timestamp", "req"} and line["timestamp"].endswith("Z")
        assert line["id"] != line["req"].get("id")  # the log line's id is not the webhook's
    kinds = [line["req"]["type"] for line in lines(session_log) if line["req"].get("channel_id") == ch]
    assert kinds[0] == "session.created" and kinds[-1] == "session.destroyed" and "session.updated" in kinds
    capsys.readouterr()
    assert main(["validate", str(session_log), str(event_log), str(auth_log)]) == 0, capsys.readouterr().out
    assert " 0 invalid, 0 with warnings only, 0 not covered" in capsys.readouterr().out


def test_session_updated_stops_with_the_session(make_emulator, receiver, pool):
    emulator = make_emulator(session_updated_webhook_interval=0.1, session_destroy_delay=0.05)
    ch = f"logs-{uuid.uuid4().hex[:8]}"
    client = pool.connect([emulator.signaling_url], ch, "sendonly")
    updated = receiver.wait_for("session.updated", ch, clause="UPDATED", timeout=TIMEOUT)
    assert [c["connection_id"] for c in updated.payload["connections"]] == [client.connection_id]
    client.disconnect()
    destroyed = receiver.wait_for("session.destroyed", ch, clause="UPDATED", timeout=TIMEOUT)
    late = receiver.none_within("session.updated", ch, within=0.4, after=destroyed.seq)
    assert late is None, late.payload


def test_an_interval_of_zero_sends_no_session_updated(make_emulator, receiver, pool):
    emulator = make_emulator(session_updated_webhook_interval=0)
    ch = f"logs-{uuid.uuid4().hex[:8]}"
    client = pool.connect([emulator.signaling_url], ch, "sendonly")
    created = receiver.wait_for("session.created", ch, clause="UPDATED", timeout=TIMEOUT)
    assert receiver.none_within("session.updated", ch, within=0.3, after=created.seq) is None
    client.disconnect()


def test_error_log_lines_wrap_the_webhook_the_same_way(make_emulator, pool, capsys):
    emulator = make_emulator(session_webhook_url="http://127.0.0.1:9/down", event_webhook_url=None,
                             auth_webhook_url=None, webhook_timeout=1.0)
    pool.connect([emulator.signaling_url], f"logs-{uuid.uuid4().hex[:8]}", "sendonly").disconnect()
    errors = emulator.config.webhook_log_dir / "session_webhook_error.jsonl"
    first = lines(errors)[0]
    assert set(first) == {"id", "timestamp", "req", "error"} and first["req"]["type"] == "session.created"
    capsys.readouterr()
    assert main(["validate", str(errors)]) == 0, capsys.readouterr().out
