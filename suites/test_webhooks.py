"""Recording webhooks moved to the session webhook and changed shape; archive.* stayed where they were."""
import pytest

RECORDING_WEBHOOKS = pytest.mark.parametrize("kind", ["recording.started", "recording.report"])


@pytest.mark.clause("WH-REC-SESSION-WEBHOOK")
@RECORDING_WEBHOOKS
def test_recording_webhook_arrives_on_session_webhook(sora, kind):
    record = sora.new_recording_webhook(kind)
    sora.check(record.endpoint == "session", f"{kind} came on the {record.endpoint} webhook", "the session webhook",
               record.endpoint)


@pytest.mark.clause("WH-REC-SESSION-WEBHOOK")
def test_recording_webhooks_do_not_arrive_on_event_webhook(sora):
    rec = sora.finished_recording()
    stray = [r.type for r in sora.webhooks(rec.channel)
             if r.endpoint == "event" and r.type in ("recording.started", "recording.report")]
    sora.check(not stray, "session recording webhooks also came on the event webhook", "none on the event webhook",
               stray)


@pytest.mark.clause("WH-REC-SESSION-ID")
@RECORDING_WEBHOOKS
def test_recording_webhook_carries_recorded_session_id(sora, kind):
    rec = sora.recording()
    record = sora.recording_webhook(rec, kind)
    sora.check_value(record.data(), "session_id", rec.session_id, f"{kind} does not carry the recorded session_id")


@pytest.mark.clause("WH-REC-SESSION-METADATA")
@RECORDING_WEBHOOKS
def test_recording_webhook_carries_session_metadata(sora, kind):
    metadata = {"room": "conformance", "n": 1}
    record = sora.new_recording_webhook(kind, via="session.created", session_metadata=metadata)
    sora.check_value(record.data(), "session_metadata", metadata,
                     f"{kind} does not carry the session_metadata of session.created")


@pytest.mark.clause("WH-REC-NO-LOG-WRITTEN")
@RECORDING_WEBHOOKS
def test_recording_webhook_carries_no_log_written(sora, kind):
    sora.check_absent(sora.new_recording_webhook(kind).data(), "log_written", kind)


@pytest.mark.clause("WH-ARCHIVE-UNCHANGED")
@pytest.mark.parametrize("kind", ["archive.started", "archive.available"])
def test_archive_webhook_arrives_on_event_webhook(sora, kind):
    rec = sora.recording()
    sora.stop_recording(rec.channel)
    record = sora.wait(kind, rec.channel, match=lambda r: r.data().get("recording_id") == rec.recording_id)
    sora.check(record.endpoint == "event", f"{kind} came on the {record.endpoint} webhook", "the event webhook",
               record.endpoint)
    sora.check_value(record.data(), "connection_id", rec.client.connection_id,
                     f"{kind} is not about the recorded connection")


IDENTITY = {"session.": ("session_id",), "recording.": ("session_id", "recording_id"),
            "archive.": ("connection_id",), "split-archive.": ("connection_id",)}


@pytest.mark.clause("ID-WEBHOOK")
def test_every_webhook_of_a_recording_identifies_itself(sora):
    rec = sora.finished_recording()
    sora.wait("archive.available", rec.channel)
    for record in sora.webhooks(rec.channel):
        if record.endpoint == "auth":
            continue
        prefix = next((p for p in IDENTITY if str(record.type).startswith(p)), "")
        wanted = ("type", "id", "timestamp", "channel_id", *IDENTITY.get(prefix, ()))
        missing = [key for key in wanted if key not in record.data()]
        sora.check(not missing, f"{record.type} on the {record.endpoint} webhook lacks {missing}", list(wanted),
                   sorted(record.data()))
