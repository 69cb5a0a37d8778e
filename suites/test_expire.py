"""expire_time: optional, only > 0, absent when unset, and never outliving the session."""
import pytest

START = "Sora_20231220.StartRecording"
RECORDING_WEBHOOKS = pytest.mark.parametrize("kind", ["recording.started", "recording.report"])


@pytest.mark.clause("EXPIRE-OPTIONAL")
def test_start_recording_without_expire_time_is_accepted(sora):
    channel, _ = sora.live_channel()
    sora.expect_accepted(START, {"channel_id": channel}, "StartRecording without expire_time")
    sora.wait("recording.started", channel, endpoint="session")


@pytest.mark.clause("EXPIRE-ABSENT-WHEN-UNSET")
@RECORDING_WEBHOOKS
def test_webhooks_carry_no_expire_time_when_unset(sora, kind):
    sora.check_absent(sora.new_recording_webhook(kind).data(), "expire_time", kind)


@pytest.mark.clause("EXPIRED-AT-ABSENT-WHEN-UNSET")
@RECORDING_WEBHOOKS
def test_webhooks_carry_no_expired_at_when_unset(sora, kind):
    sora.check_absent(sora.new_recording_webhook(kind).data(), "expired_at", kind)


@pytest.mark.clause("EXPIRE-ABSENT-WHEN-UNSET", "EXPIRED-AT-ABSENT-WHEN-UNSET")
@pytest.mark.needs("archive_dir")
def test_report_file_carries_no_expire_time_when_unset(sora):
    rec = sora.finished_recording()
    report = sora.files.report(rec)
    sora.check_absent(report, "expire_time", "the report file")
    sora.check_absent(report, "expired_at", "the report file", clause="EXPIRED-AT-ABSENT-WHEN-UNSET")


@pytest.mark.clause("EXPIRE-POSITIVE")
@pytest.mark.parametrize("value", [0, -1], ids=["zero", "negative"])
def test_expire_time_not_above_zero_is_refused(sora, value):
    channel, _ = sora.live_channel()
    sora.expect_refused(START, {"channel_id": channel, "expire_time": value}, f"expire_time {value}")


@pytest.mark.clause("EXPIRE-RANGE")
@pytest.mark.parametrize("value", ["too-large", 1.5, "60"], ids=["above-maximum", "fraction", "string"])
def test_expire_time_out_of_range_is_refused(sora, value):
    channel, _ = sora.live_channel()
    expire = sora.profile.recording_max_expire_time + 1 if value == "too-large" else value
    sora.expect_refused(START, {"channel_id": channel, "expire_time": expire}, f"expire_time {expire!r}")


@pytest.mark.clause("EXPIRE-RANGE")
def test_expire_time_at_the_configured_maximum_is_accepted(sora):
    """The maximum is configuration (recording_max_expire_time: 86400 by default, 10800 on Sora Cloud)."""
    channel, _ = sora.live_channel()
    limit = sora.profile.recording_max_expire_time
    sora.expect_accepted(START, {"channel_id": channel, "expire_time": limit}, f"expire_time {limit} (the maximum)")
    sora.wait("recording.started", channel, endpoint="session")


@pytest.mark.clause("EXPIRE-ENDS-RECORDING")
def test_short_expire_time_ends_recording_while_session_lives(sora):
    rec = sora.recording(expire_time=1)
    report = sora.report_webhook(rec, timeout=12)
    sora.expect_accepted("Sora_20231220.GetSession", {"channel_id": rec.channel, "session_id": rec.session_id},
                         "GetSession of the session that outlives its expired recording")
    sora.check_value(report.data(), "expire_time", 1, "recording.report misreports expire_time")


@pytest.mark.clause("EXPIRE-BEFORE-DESTROY")
@pytest.mark.parametrize("via", ["api", "session.created"])
def test_destruction_before_expiry_ends_recording(sora, via):
    rec = sora.recording(via=via, expire_time=3600)
    sora.end_session(rec)
    sora.report_webhook(rec)
