"""Recording metadata: an object, reported as recording_metadata, never under the legacy key metadata."""
import pytest

START = "Sora_20231220.StartRecording"
METADATA = {"case": "conformance", "nested": {"a": [1, 2]}}
RECORDING_WEBHOOKS = pytest.mark.parametrize("kind", ["recording.started", "recording.report"])


@pytest.mark.clause("META-OBJECT")
@pytest.mark.parametrize("value", ["text", [1, 2], 3], ids=["string", "array", "number"])
def test_non_object_metadata_is_refused(sora, value):
    channel, _ = sora.live_channel()
    sora.expect_refused(START, {"channel_id": channel, "metadata": value}, f"metadata {value!r}")


@pytest.mark.clause("WH-REC-RECORDING-METADATA")
@RECORDING_WEBHOOKS
def test_recording_metadata_is_carried_when_given(sora, kind):
    record = sora.new_recording_webhook(kind, metadata=METADATA)
    sora.check_value(record.data(), "recording_metadata", METADATA,
                     f"{kind} does not carry the metadata as recording_metadata")


@pytest.mark.clause("WH-REC-RECORDING-METADATA")
def test_recording_metadata_from_session_created_is_carried(sora):
    rec = sora.recording(via="session.created", metadata=METADATA)
    sora.check_value(rec.started.data(), "recording_metadata", METADATA,
                     "recording_metadata of the session.created answer is not carried")


@pytest.mark.clause("WH-REC-RECORDING-METADATA")
@RECORDING_WEBHOOKS
def test_recording_metadata_is_absent_when_not_given(sora, kind):
    sora.check_absent(sora.new_recording_webhook(kind).data(), "recording_metadata",
                      f"{kind} of a recording without metadata")


@pytest.mark.clause("WH-REC-NO-METADATA")
@RECORDING_WEBHOOKS
def test_recording_webhook_never_carries_metadata(sora, kind):
    sora.check_absent(sora.new_recording_webhook(kind, metadata=METADATA).data(), "metadata", kind)


@pytest.mark.clause("FILE-REPORT-RECORDING-METADATA")
def test_report_file_carries_recording_metadata(sora):
    rec = sora.finished_recording(metadata=METADATA)
    report = sora.files.report(rec)
    sora.check_value(report, "recording_metadata", METADATA, "the report file does not carry recording_metadata")


@pytest.mark.clause("FILE-REPORT-NO-METADATA")
def test_report_file_never_carries_metadata(sora):
    rec = sora.finished_recording(metadata=METADATA)
    report = sora.files.report(rec)
    sora.check_absent(report, "metadata", "the report file")
