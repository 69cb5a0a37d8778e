"""Ending a session recording: with its session, by StopRecording, and never into the next session."""
import pytest


@pytest.mark.clause("REC-STOP-ON-DESTROY")
def test_recording_ends_when_session_is_destroyed(sora):
    rec = sora.recording("REC-STOP-ON-DESTROY", via="session.created")
    sora.end_session(rec, "REC-STOP-ON-DESTROY")
    report = sora.report_webhook(rec, "REC-STOP-ON-DESTROY")
    sora.check("REC-STOP-ON-DESTROY", report.data().get("session_id") == rec.session_id,
               "recording.report names another session", rec.session_id, report.data().get("session_id"))


@pytest.mark.clause("REC-STOP-ON-DESTROY")
def test_recording_ends_with_session_without_stop_recording(sora):
    rec = sora.recording("REC-STOP-ON-DESTROY")
    sora.end_session(rec, "REC-STOP-ON-DESTROY")
    sora.report_webhook(rec, "REC-STOP-ON-DESTROY")
    stops = [e for e in sora.exchanges if e.target.endswith("StopRecording")]
    sora.check("REC-STOP-ON-DESTROY", not stops, "StopRecording was needed", "no StopRecording call", stops)


@pytest.mark.clause("REC-STOP-ON-DESTROY")
def test_session_is_not_recording_after_destruction(sora):
    rec = sora.recording("REC-STOP-ON-DESTROY")
    sora.end_session(rec, "REC-STOP-ON-DESTROY")
    sora.report_webhook(rec, "REC-STOP-ON-DESTROY")
    stop = sora.call("Sora_20231220.StopRecording", {"channel_id": rec.channel})
    sora.check("REC-STOP-ON-DESTROY", not stop.ok, "StopRecording still found a recording after destruction",
               "no recording left to stop", {"status": stop.status, "body": stop.response})


@pytest.mark.clause("REC-NO-CROSS-SESSION")
def test_next_session_of_the_channel_is_not_recorded(sora):
    rec = sora.recording("REC-NO-CROSS-SESSION", via="session.created")
    sora.end_session(rec, "REC-NO-CROSS-SESSION")
    sora.report_webhook(rec, "REC-NO-CROSS-SESSION")
    sora.answer_session_created(rec.channel, {})
    mark = sora.mark()
    client = sora.connect(rec.channel)
    sora.check("REC-NO-CROSS-SESSION", client.session_id != rec.session_id, "the channel kept its session",
               "a new session", client.session_id)
    late = sora.nothing("recording.started", rec.channel, within=1.0, after=mark)
    sora.check("REC-NO-CROSS-SESSION", late is None, "the next session of the channel is being recorded",
               "no recording.started in the new session", late and late.payload)


@pytest.mark.clause("REC-NO-CROSS-SESSION")
def test_next_session_produces_no_archive(sora):
    rec = sora.recording("REC-NO-CROSS-SESSION", via="session.created")
    sora.end_session(rec, "REC-NO-CROSS-SESSION")
    sora.report_webhook(rec, "REC-NO-CROSS-SESSION")
    sora.answer_session_created(rec.channel, {})
    mark = sora.mark()
    sora.connect(rec.channel)
    late = sora.nothing("archive.started", rec.channel, within=1.0, after=mark)
    sora.check("REC-NO-CROSS-SESSION", late is None, "a connection of the next session is being archived",
               "no archive.started", late and late.payload)


@pytest.mark.clause("API-STOP-RENAMED")
def test_stop_recording_20231220_ends_the_recording(sora):
    rec = sora.recording("API-STOP-RENAMED")
    answer = sora.call("Sora_20231220.StopRecording", {"channel_id": rec.channel})
    sora.check("API-STOP-RENAMED", answer.ok, "Sora_20231220.StopRecording was refused", "2xx",
               {"status": answer.status, "body": answer.response})
    sora.report_webhook(rec, "API-STOP-RENAMED")


@pytest.mark.clause("API-STOP-RENAMED")
def test_stop_recording_leaves_the_session_running(sora):
    rec = sora.recording("API-STOP-RENAMED")
    sora.api.stop_recording(rec.channel)
    sora.report_webhook(rec, "API-STOP-RENAMED")
    session = sora.get_session(rec.channel, rec.session_id)
    sora.check("API-STOP-RENAMED", session.ok, "the session ended with the recording", "GetSession 2xx",
               {"status": session.status, "body": session.response})
