"""Legacy recording: gone where it is removed; where it is enabled, it behaves as before and coexists."""
import pytest

LEGACY_TARGETS = ["StartRecording", "StopRecording", "GetStartedRecording", "ListStartedRecording", "ListArchiving"]


@pytest.mark.clause("MIG-LEGACY-REMOVED")
@pytest.mark.parametrize("operation", LEGACY_TARGETS)
def test_legacy_recording_api_is_refused(sora, operation):
    channel = sora.new_channel()
    sora.connect(channel)
    answer = sora.call(f"Sora_20161101.{operation}", {"channel_id": channel, "expire_time": 60})
    sora.recording_channels.add(channel)
    sora.refused(answer, "MIG-LEGACY-REMOVED", f"Sora_20161101.{operation}")


@pytest.mark.clause("CONF-LEGACY-ENABLE")
def test_legacy_start_recording_is_available(sora):
    channel = sora.new_channel()
    sora.connect(channel)
    answer = sora.call("Sora_20161101.StartRecording", {"channel_id": channel, "expire_time": 0})
    sora.check("CONF-LEGACY-ENABLE", answer.ok, "Sora_20161101.StartRecording was refused", "2xx",
               {"status": answer.status, "body": answer.response})
    if answer.ok:
        sora.api.legacy_stop_recording(channel)


@pytest.mark.clause("LEGACY-START-WITHOUT-SESSION")
def test_legacy_recording_starts_without_a_session(sora):
    channel = sora.new_channel()
    answer = sora.call("Sora_20161101.StartRecording", {"channel_id": channel, "expire_time": 0})
    sora.check("LEGACY-START-WITHOUT-SESSION", answer.ok, "legacy StartRecording without a session was refused",
               "2xx", {"status": answer.status, "body": answer.response})
    if answer.ok:
        sora.wait("recording.started", channel, "LEGACY-START-WITHOUT-SESSION", endpoint="event")
        sora.api.legacy_stop_recording(channel)


@pytest.mark.clause("LEGACY-PERSIST")
def test_legacy_recording_survives_session_destruction(sora):
    channel = sora.new_channel()
    sora.api.legacy_start_recording(channel, expire_time=0)
    client = sora.connect(channel)
    sora.leave(client)
    sora.wait_session_destroyed(channel, client.session_id, "LEGACY-PERSIST")
    early = sora.nothing("recording.report", channel, within=0.5)
    sora.check("LEGACY-PERSIST", early is None, "the legacy recording ended with the session",
               "no recording.report before StopRecording", early and early.payload)
    sora.api.legacy_stop_recording(channel)
    sora.wait("recording.report", channel, "LEGACY-PERSIST", endpoint="event")


@pytest.mark.clause("LEGACY-EVENT-WEBHOOK")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_legacy_recording_webhook_is_an_event_webhook(sora, kind):
    channel = sora.new_channel()
    sora.connect(channel)
    sora.api.legacy_start_recording(channel, expire_time=0, metadata={"legacy": True})
    sora.api.legacy_stop_recording(channel)
    record = sora.wait(kind, channel, "LEGACY-EVENT-WEBHOOK")
    sora.check("LEGACY-EVENT-WEBHOOK", record.endpoint == "event", f"legacy {kind} came on the {record.endpoint} webhook",
               "the event webhook", record.endpoint)
    sora.check("LEGACY-EVENT-WEBHOOK", "log_written" in (record.payload or {}), f"legacy {kind} has no log_written",
               "log_written", record.payload)
    sora.check("LEGACY-EVENT-WEBHOOK", record.data().get("metadata") == {"legacy": True},
               f"legacy {kind} does not carry metadata", {"legacy": True}, record.data().get("metadata"))


@pytest.mark.clause("LEGACY-EXPIRE-REQUIRED")
def test_legacy_start_recording_requires_expire_time(sora):
    channel = sora.new_channel()
    sora.connect(channel)
    answer = sora.call("Sora_20161101.StartRecording", {"channel_id": channel})
    if answer.ok:
        sora.api.legacy_stop_recording(channel)
    sora.refused(answer, "LEGACY-EXPIRE-REQUIRED", "legacy StartRecording without expire_time")


@pytest.mark.clause("MIXED-CHANNELS")
def test_legacy_and_session_recording_run_on_two_channels_at_once(sora):
    legacy_channel = sora.new_channel("legacy")
    sora.connect(legacy_channel)
    sora.api.legacy_start_recording(legacy_channel, expire_time=0)
    rec = sora.recording("MIXED-CHANNELS")
    legacy_started = sora.wait("recording.started", legacy_channel, "MIXED-CHANNELS", endpoint="event")
    sora.check("MIXED-CHANNELS", rec.started.endpoint == "session" and legacy_started.endpoint == "event",
               "the two recordings were not told apart", "session and event webhooks",
               [rec.started.endpoint, legacy_started.endpoint])
    sora.stop_recording(rec.channel)
    sora.api.legacy_stop_recording(legacy_channel)
    sora.report_webhook(rec, "MIXED-CHANNELS")
    sora.wait("recording.report", legacy_channel, "MIXED-CHANNELS", endpoint="event")
