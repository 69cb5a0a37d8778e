"""Recording webhooks moved to the session webhook and changed shape; archive.* stayed where they were."""
import pytest


@pytest.mark.clause("WH-REC-SESSION-WEBHOOK")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_recording_webhook_arrives_on_session_webhook(sora, kind):
    rec = sora.recording("WH-REC-SESSION-WEBHOOK")
    record = sora.recording_webhook(rec, kind, "WH-REC-SESSION-WEBHOOK")
    sora.check("WH-REC-SESSION-WEBHOOK", record.endpoint == "session", f"{kind} came on the {record.endpoint} webhook",
               "the session webhook", record.endpoint)


@pytest.mark.clause("WH-REC-SESSION-WEBHOOK")
def test_recording_webhooks_do_not_arrive_on_event_webhook(sora):
    rec = sora.recording("WH-REC-SESSION-WEBHOOK")
    sora.api.stop_recording(rec.channel)
    sora.report_webhook(rec, "WH-REC-SESSION-WEBHOOK")
    stray = [r.type for r in sora.capture.for_channel(rec.channel)
             if r.endpoint == "event" and r.type in ("recording.started", "recording.report")]
    sora.check("WH-REC-SESSION-WEBHOOK", not stray, "session recording webhooks also came on the event webhook",
               "none on the event webhook", stray)


@pytest.mark.clause("WH-REC-SESSION-ID")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_recording_webhook_carries_recorded_session_id(sora, kind):
    rec = sora.recording("WH-REC-SESSION-ID")
    record = sora.recording_webhook(rec, kind, "WH-REC-SESSION-ID")
    sora.check("WH-REC-SESSION-ID", record.data().get("session_id") == rec.session_id,
               f"{kind} does not carry the recorded session_id", rec.session_id, record.data().get("session_id"))


@pytest.mark.clause("WH-REC-SESSION-METADATA")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_recording_webhook_carries_session_metadata(sora, kind):
    metadata = {"room": "conformance", "n": 1}
    rec = sora.recording("WH-REC-SESSION-METADATA", via="session.created", session_metadata=metadata)
    record = sora.recording_webhook(rec, kind, "WH-REC-SESSION-METADATA")
    sora.check("WH-REC-SESSION-METADATA", record.data().get("session_metadata") == metadata,
               f"{kind} does not carry the session_metadata of session.created", metadata,
               record.data().get("session_metadata"))


@pytest.mark.clause("WH-REC-NO-LOG-WRITTEN")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_recording_webhook_carries_no_log_written(sora, kind):
    rec = sora.recording("WH-REC-NO-LOG-WRITTEN")
    record = sora.recording_webhook(rec, kind, "WH-REC-NO-LOG-WRITTEN")
    sora.check("WH-REC-NO-LOG-WRITTEN", "log_written" not in record.data(), f"{kind} carries log_written",
               "no log_written key", record.data().get("log_written"))


@pytest.mark.clause("WH-ARCHIVE-UNCHANGED")
@pytest.mark.parametrize("kind", ["archive.started", "archive.available"])
def test_archive_webhook_arrives_on_event_webhook(sora, kind):
    rec = sora.recording("WH-ARCHIVE-UNCHANGED")
    sora.api.stop_recording(rec.channel)
    record = sora.wait(kind, rec.channel, "WH-ARCHIVE-UNCHANGED", match=lambda r: r.data().get("recording_id")
                       == rec.recording_id)
    sora.check("WH-ARCHIVE-UNCHANGED", record.endpoint == "event", f"{kind} came on the {record.endpoint} webhook",
               "the event webhook", record.endpoint)
    sora.check("WH-ARCHIVE-UNCHANGED", record.data().get("connection_id") == rec.client.connection_id,
               f"{kind} is not about the recorded connection", rec.client.connection_id,
               record.data().get("connection_id"))


IDENTITY = {"session.": ("session_id",), "recording.": ("session_id", "recording_id"),
            "archive.": ("connection_id",), "split-archive.": ("connection_id",)}


@pytest.mark.clause("ID-WEBHOOK")
def test_every_webhook_of_a_recording_identifies_itself(sora):
    rec = sora.recording("ID-WEBHOOK")
    sora.api.stop_recording(rec.channel)
    sora.report_webhook(rec, "ID-WEBHOOK")
    sora.wait("archive.available", rec.channel, "ID-WEBHOOK")
    for record in sora.capture.for_channel(rec.channel):
        if record.endpoint == "auth":
            continue
        prefix = next((p for p in IDENTITY if str(record.type).startswith(p)), "")
        wanted = ("type", "id", "timestamp", "channel_id", *IDENTITY.get(prefix, ()))
        missing = [key for key in wanted if key not in record.data()]
        sora.check("ID-WEBHOOK", not missing, f"{record.type} on the {record.endpoint} webhook lacks {missing}",
                   list(wanted), sorted(record.data()))
