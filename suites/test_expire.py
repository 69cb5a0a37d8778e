"""expire_time: optional, only > 0, absent when unset, and never outliving the session."""
import pytest

START = "Sora_20231220.StartRecording"


@pytest.mark.clause("EXPIRE-OPTIONAL")
def test_start_recording_without_expire_time_is_accepted(sora):
    channel = sora.new_channel()
    sora.connect(channel)
    answer = sora.call(START, {"channel_id": channel})
    sora.recording_channels.add(channel)
    sora.check("EXPIRE-OPTIONAL", answer.ok, "StartRecording without expire_time was refused", "2xx",
               {"status": answer.status, "body": answer.response})
    sora.wait("recording.started", channel, "EXPIRE-OPTIONAL", endpoint="session")


@pytest.mark.clause("EXPIRE-ABSENT-WHEN-UNSET")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_webhooks_carry_no_expire_time_when_unset(sora, kind):
    rec = sora.recording("EXPIRE-ABSENT-WHEN-UNSET")
    record = sora.recording_webhook(rec, kind, "EXPIRE-ABSENT-WHEN-UNSET")
    sora.check("EXPIRE-ABSENT-WHEN-UNSET", "expire_time" not in record.data(), f"{kind} carries expire_time",
               "no expire_time key", record.data().get("expire_time"))


@pytest.mark.clause("EXPIRED-AT-ABSENT-WHEN-UNSET")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_webhooks_carry_no_expired_at_when_unset(sora, kind):
    rec = sora.recording("EXPIRED-AT-ABSENT-WHEN-UNSET")
    record = sora.recording_webhook(rec, kind, "EXPIRED-AT-ABSENT-WHEN-UNSET")
    sora.check("EXPIRED-AT-ABSENT-WHEN-UNSET", "expired_at" not in record.data(), f"{kind} carries expired_at",
               "no expired_at key", record.data().get("expired_at"))


@pytest.mark.clause("EXPIRE-ABSENT-WHEN-UNSET", "EXPIRED-AT-ABSENT-WHEN-UNSET")
def test_report_file_carries_no_expire_time_when_unset(sora):
    if sora.target.archive_dir is None:
        pytest.skip("unsupported: archive_dir is not readable here")
    rec = sora.recording("EXPIRE-ABSENT-WHEN-UNSET")
    sora.api.stop_recording(rec.channel)
    sora.report_webhook(rec, "EXPIRE-ABSENT-WHEN-UNSET")
    report = sora.report_file(rec.recording_id)
    sora.check("EXPIRE-ABSENT-WHEN-UNSET", "expire_time" not in report, "the report file carries expire_time",
               "no expire_time key", report.get("expire_time"))
    sora.check("EXPIRED-AT-ABSENT-WHEN-UNSET", "expired_at" not in report, "the report file carries expired_at",
               "no expired_at key", report.get("expired_at"))


@pytest.mark.clause("EXPIRE-POSITIVE")
@pytest.mark.parametrize("value", [0, -1], ids=["zero", "negative"])
def test_expire_time_not_above_zero_is_refused(sora, value):
    channel = sora.new_channel()
    sora.connect(channel)
    sora.recording_channels.add(channel)
    answer = sora.call(START, {"channel_id": channel, "expire_time": value})
    sora.refused(answer, "EXPIRE-POSITIVE", f"expire_time {value}")


@pytest.mark.clause("EXPIRE-RANGE")
@pytest.mark.parametrize("value", ["too-large", 1.5, "60"], ids=["above-maximum", "fraction", "string"])
def test_expire_time_out_of_range_is_refused(sora, value):
    channel = sora.new_channel()
    sora.connect(channel)
    sora.recording_channels.add(channel)
    expire = sora.profile.max_expire_time + 1 if value == "too-large" else value
    answer = sora.call(START, {"channel_id": channel, "expire_time": expire})
    sora.refused(answer, "EXPIRE-RANGE", f"expire_time {expire!r}")


@pytest.mark.clause("EXPIRE-ENDS-RECORDING")
def test_short_expire_time_ends_recording_while_session_lives(sora):
    rec = sora.recording("EXPIRE-ENDS-RECORDING", expire_time=1)
    report = sora.report_webhook(rec, "EXPIRE-ENDS-RECORDING", timeout=12)
    session = sora.get_session(rec.channel, rec.session_id)
    sora.check("EXPIRE-ENDS-RECORDING", session.ok, "the session did not outlive the expired recording",
               "GetSession 2xx while the client stays", {"status": session.status})
    sora.check("EXPIRE-ENDS-RECORDING", report.data().get("expire_time") == 1, "recording.report misreports expire_time",
               "expire_time 1", report.data().get("expire_time"))


@pytest.mark.clause("EXPIRE-BEFORE-DESTROY")
def test_destruction_before_expiry_ends_recording(sora):
    rec = sora.recording("EXPIRE-BEFORE-DESTROY", expire_time=3600)
    sora.end_session(rec, "EXPIRE-BEFORE-DESTROY")
    sora.report_webhook(rec, "EXPIRE-BEFORE-DESTROY")


@pytest.mark.clause("EXPIRE-BEFORE-DESTROY")
def test_recording_started_at_creation_with_expiry_ends_with_session(sora):
    rec = sora.recording("EXPIRE-BEFORE-DESTROY", via="session.created", expire_time=3600)
    sora.end_session(rec, "EXPIRE-BEFORE-DESTROY")
    sora.report_webhook(rec, "EXPIRE-BEFORE-DESTROY")
