"""Legacy recording: gone where it is removed; where it is enabled, it behaves as before and coexists."""
import pytest

LEGACY_TARGETS = ["StartRecording", "StopRecording", "GetStartedRecording", "ListStartedRecording", "ListArchiving"]
LEGACY_START = "Sora_20161101.StartRecording"


@pytest.mark.clause("MIG-LEGACY-REMOVED")
@pytest.mark.parametrize("operation", LEGACY_TARGETS)
def test_legacy_recording_api_is_refused(sora, operation):
    channel, _ = sora.live_channel()
    sora.expect_refused(f"Sora_20161101.{operation}", {"channel_id": channel, "expire_time": 60},
                        f"Sora_20161101.{operation}")


@pytest.mark.clause("CONF-LEGACY-ENABLE")
def test_legacy_start_recording_is_available(sora):
    channel, _ = sora.live_channel()
    sora.expect_accepted(LEGACY_START, {"channel_id": channel, "expire_time": 0}, LEGACY_START)


@pytest.mark.clause("LEGACY-START-WITHOUT-SESSION")
def test_legacy_recording_starts_without_a_session(sora):
    channel = sora.new_channel()
    sora.expect_accepted(LEGACY_START, {"channel_id": channel, "expire_time": 0},
                         "legacy StartRecording without a session")
    sora.wait("recording.started", channel, endpoint="event")


@pytest.mark.clause("LEGACY-PERSIST")
def test_legacy_recording_survives_session_destruction(sora):
    channel = sora.new_channel()
    sora.legacy_start_recording(channel, expire_time=0)
    client = sora.connect(channel)
    sora.leave(client)
    sora.wait_session_destroyed(channel, client.session_id)
    early = sora.nothing("recording.report", channel, within=0.5)
    sora.check(early is None, "the legacy recording ended with the session", "no recording.report before StopRecording",
               early and early.payload)
    sora.legacy_stop_recording(channel)
    sora.wait("recording.report", channel, endpoint="event")


@pytest.mark.clause("LEGACY-EVENT-WEBHOOK")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_legacy_recording_webhook_is_an_event_webhook(sora, kind):
    channel, _ = sora.live_channel()
    sora.legacy_start_recording(channel, expire_time=0, metadata={"legacy": True})
    sora.legacy_stop_recording(channel)
    record = sora.wait(kind, channel)
    sora.check(record.endpoint == "event", f"legacy {kind} came on the {record.endpoint} webhook", "the event webhook",
               record.endpoint)
    sora.check("log_written" in (record.payload or {}), f"legacy {kind} has no log_written", "log_written",
               record.payload)
    sora.check_value(record.data(), "metadata", {"legacy": True}, f"legacy {kind} does not carry metadata")


@pytest.mark.clause("LEGACY-EXPIRE-REQUIRED")
def test_legacy_start_recording_requires_expire_time(sora):
    channel, _ = sora.live_channel()
    sora.expect_refused(LEGACY_START, {"channel_id": channel}, "legacy StartRecording without expire_time")


@pytest.mark.clause("MIXED-CHANNELS")
def test_legacy_and_session_recording_run_on_two_channels_at_once(sora):
    legacy_channel, _ = sora.live_channel("legacy")
    sora.legacy_start_recording(legacy_channel, expire_time=0)
    rec = sora.recording()
    legacy_started = sora.wait("recording.started", legacy_channel, endpoint="event")
    sora.check(rec.started.endpoint == "session" and legacy_started.endpoint == "event",
               "the two recordings were not told apart", "session and event webhooks",
               [rec.started.endpoint, legacy_started.endpoint])
    sora.stop_recording(rec.channel)
    sora.legacy_stop_recording(legacy_channel)
    sora.report_webhook(rec)
    sora.wait("recording.report", legacy_channel, endpoint="event")
