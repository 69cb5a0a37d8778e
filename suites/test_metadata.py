"""Recording metadata: an object, reported as recording_metadata, never under the legacy key metadata."""
import pytest

START = "Sora_20231220.StartRecording"
METADATA = {"case": "conformance", "nested": {"a": [1, 2]}}


@pytest.mark.clause("META-OBJECT")
@pytest.mark.parametrize("value", ["text", [1, 2], 3], ids=["string", "array", "number"])
def test_non_object_metadata_is_refused(sora, value):
    channel = sora.new_channel()
    sora.connect(channel)
    sora.recording_channels.add(channel)
    answer = sora.call(START, {"channel_id": channel, "metadata": value})
    sora.refused(answer, "META-OBJECT", f"metadata {value!r}")


@pytest.mark.clause("WH-REC-RECORDING-METADATA")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_recording_metadata_is_carried_when_given(sora, kind):
    rec = sora.recording("WH-REC-RECORDING-METADATA", metadata=METADATA)
    record = sora.recording_webhook(rec, kind, "WH-REC-RECORDING-METADATA")
    sora.check("WH-REC-RECORDING-METADATA", record.data().get("recording_metadata") == METADATA,
               f"{kind} does not carry the metadata as recording_metadata", METADATA,
               record.data().get("recording_metadata"))


@pytest.mark.clause("WH-REC-RECORDING-METADATA")
def test_recording_metadata_from_session_created_is_carried(sora):
    rec = sora.recording("WH-REC-RECORDING-METADATA", via="session.created", metadata=METADATA)
    sora.check("WH-REC-RECORDING-METADATA", rec.started.data().get("recording_metadata") == METADATA,
               "recording_metadata of the session.created answer is not carried", METADATA,
               rec.started.data().get("recording_metadata"))


@pytest.mark.clause("WH-REC-RECORDING-METADATA")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_recording_metadata_is_absent_when_not_given(sora, kind):
    rec = sora.recording("WH-REC-RECORDING-METADATA")
    record = sora.recording_webhook(rec, kind, "WH-REC-RECORDING-METADATA")
    sora.check("WH-REC-RECORDING-METADATA", "recording_metadata" not in record.data(),
               f"{kind} carries recording_metadata although none was given", "no recording_metadata key",
               record.data().get("recording_metadata"))


@pytest.mark.clause("WH-REC-NO-METADATA")
@pytest.mark.parametrize("kind", ["recording.started", "recording.report"])
def test_recording_webhook_never_carries_metadata(sora, kind):
    rec = sora.recording("WH-REC-NO-METADATA", metadata=METADATA)
    record = sora.recording_webhook(rec, kind, "WH-REC-NO-METADATA")
    sora.check("WH-REC-NO-METADATA", "metadata" not in record.data(), f"{kind} carries the legacy key metadata",
               "no metadata key", record.data().get("metadata"))


@pytest.mark.clause("FILE-REPORT-RECORDING-METADATA")
def test_report_file_carries_recording_metadata(sora):
    rec = sora.recording("FILE-REPORT-RECORDING-METADATA", metadata=METADATA)
    sora.stop_recording(rec.channel)
    sora.report_webhook(rec, "FILE-REPORT-RECORDING-METADATA")
    report = sora.report_file(rec.recording_id)
    sora.check("FILE-REPORT-RECORDING-METADATA", report.get("recording_metadata") == METADATA,
               "the report file does not carry recording_metadata", METADATA, report.get("recording_metadata"))


@pytest.mark.clause("FILE-REPORT-NO-METADATA")
def test_report_file_never_carries_metadata(sora):
    rec = sora.recording("FILE-REPORT-NO-METADATA", metadata=METADATA)
    sora.stop_recording(rec.channel)
    sora.report_webhook(rec, "FILE-REPORT-NO-METADATA")
    report = sora.report_file(rec.recording_id)
    sora.check("FILE-REPORT-NO-METADATA", "metadata" not in report, "the report file carries the legacy key metadata",
               "no metadata key", report.get("metadata"))
