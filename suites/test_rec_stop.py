"""Ending a session recording: with its session, by StopRecording, and never into the next session."""
import pytest

STOP = "Sora_20231220.StopRecording"


@pytest.mark.clause("REC-STOP-ON-DESTROY")
def test_recording_ends_when_session_is_destroyed(sora):
    rec = sora.recording(via="session.created")
    sora.end_session(rec)
    report = sora.report_webhook(rec)
    sora.check_value(report.data(), "session_id", rec.session_id, "recording.report names another session")


@pytest.mark.clause("REC-STOP-ON-DESTROY")
def test_recording_ends_with_session_without_stop_recording(sora):
    rec = sora.recording()
    sora.end_session(rec)
    sora.report_webhook(rec)
    sora.check(not sora.calls("StopRecording"), "StopRecording was needed", "no StopRecording call",
               sora.calls("StopRecording"))


@pytest.mark.clause("REC-STOP-ON-DESTROY")
def test_session_is_not_recording_after_destruction(sora):
    rec = sora.recording()
    sora.end_session(rec)
    sora.report_webhook(rec)
    sora.expect_refused(STOP, {"channel_id": rec.channel}, "StopRecording after the session was destroyed")


@pytest.mark.clause("REC-NO-CROSS-SESSION")
def test_next_session_of_the_channel_is_not_recorded(sora):
    rec = sora.recording(via="session.created")
    sora.end_session(rec)
    sora.report_webhook(rec)
    sora.answer_session_created(rec.channel, {})
    mark = sora.mark()
    client = sora.connect(rec.channel)
    sora.check(client.session_id != rec.session_id, "the channel kept its session", "a new session", client.session_id)
    # one window for both kinds: once it has passed for the first, whatever came of the second is already here
    for kind, within in (("recording.started", 1.0), ("archive.started", 0.0)):
        late = sora.nothing(kind, rec.channel, within=within, after=mark)
        sora.check(late is None, f"the next session of the channel is being recorded ({kind})",
                   f"no {kind} in the new session", late and late.payload)


@pytest.mark.clause("API-STOP-RENAMED")
def test_stop_recording_20231220_ends_the_recording(sora):
    rec = sora.recording()
    sora.expect_accepted(STOP, {"channel_id": rec.channel}, STOP)
    sora.report_webhook(rec)


@pytest.mark.clause("API-STOP-RENAMED")
def test_stop_recording_leaves_the_session_running(sora):
    rec = sora.finished_recording()
    sora.expect_accepted("Sora_20231220.GetSession", {"channel_id": rec.channel, "session_id": rec.session_id},
                         "GetSession after StopRecording: the session ended with the recording")
