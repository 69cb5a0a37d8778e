"""Starting a session recording: only within a session, and at creation by the session.created answer."""
import time

import pytest

START = "Sora_20231220.StartRecording"


@pytest.mark.clause("REC-START-NO-SESSION")
def test_start_recording_without_session_is_refused(sora):
    channel = sora.new_channel()
    answer = sora.call(START, {"channel_id": channel})
    sora.refused(answer, "REC-START-NO-SESSION", "StartRecording on a channel with no session")


@pytest.mark.clause("REC-START-NO-SESSION")
def test_start_recording_without_session_sends_no_recording_started(sora):
    channel = sora.new_channel()
    sora.call(START, {"channel_id": channel})
    late = sora.nothing("recording.started", channel, within=1.0)
    sora.check("REC-START-NO-SESSION", late is None, "recording.started was sent although no session exists",
               "no recording.started", late and late.payload)


@pytest.mark.clause("REC-START-NO-SESSION")
def test_start_recording_without_session_writes_no_files(sora):
    if sora.target.archive_dir is None:
        pytest.skip("unsupported: archive_dir is not readable here")
    channel = sora.new_channel()
    since = time.time()
    sora.call(START, {"channel_id": channel})
    sora.call("Sora_20231220.StopRecording", {"channel_id": channel})  # whatever did start ends and writes now
    sora.nothing("recording.report", channel, within=0.5)
    written = sora.reports_for_channel(channel, since)
    sora.check("REC-START-NO-SESSION", not written, "a recording was written for a channel without a session",
               "no report in archive_dir", [p.name for p in written])


@pytest.mark.clause("REC-START-ON-CREATE")
def test_session_created_recording_true_starts_recording(sora):
    channel = sora.new_channel()
    sora.answer_session_created(channel, {"recording": True})
    client = sora.connect(channel)
    started = sora.wait("recording.started", channel, "REC-START-ON-CREATE", endpoint="session")
    sora.check("REC-START-ON-CREATE", started.data().get("session_id") == client.session_id,
               "recording.started is not for the session just created", client.session_id,
               started.data().get("session_id"))


@pytest.mark.clause("REC-START-ON-CREATE")
def test_recording_at_creation_needs_no_api_call(sora):
    rec = sora.recording("REC-START-ON-CREATE", via="session.created")
    calls = [e.target for e in sora.exchanges]
    sora.check("REC-START-ON-CREATE", not calls, "the harness had to call the API", "no API call", calls)
    sora.check("REC-START-ON-CREATE", bool(rec.recording_id), "recording.started has no recording_id",
               "a recording_id", rec.started.payload)


@pytest.mark.clause("REC-START-ON-CREATE")
def test_session_created_without_recording_starts_nothing(sora):
    channel = sora.new_channel()
    sora.connect(channel)
    sora.wait("session.created", channel, "REC-START-ON-CREATE", endpoint="session")
    late = sora.nothing("recording.started", channel, within=1.0)
    sora.check("REC-START-ON-CREATE", late is None, "recording started although session.created did not ask",
               "no recording.started", late and late.payload)


@pytest.mark.clause("API-START-RENAMED")
def test_start_recording_20231220_starts_a_session_recording(sora):
    channel = sora.new_channel()
    client = sora.connect(channel)
    answer = sora.call(START, {"channel_id": channel})
    sora.check("API-START-RENAMED", answer.ok, f"{START} was refused", "2xx",
               {"status": answer.status, "body": answer.response})
    sora.recording_channels.add(channel)
    started = sora.wait("recording.started", channel, "API-START-RENAMED", endpoint="session")
    sora.check("API-START-RENAMED", started.data().get("session_id") == client.session_id,
               "the recording is not of the channel's session", client.session_id, started.data().get("session_id"))


@pytest.mark.clause("API-START-CHANNEL")
def test_start_recording_without_channel_id_is_refused(sora):
    answer = sora.call(START, {})
    sora.refused(answer, "API-START-CHANNEL", "StartRecording without channel_id")


@pytest.mark.clause("REC-RESTART-NEW-ID")
def test_restarted_recording_gets_a_new_recording_id(sora):
    rec = sora.recording("REC-RESTART-NEW-ID")
    sora.stop_recording(rec.channel)
    sora.report_webhook(rec, "REC-RESTART-NEW-ID")
    mark = sora.mark()
    sora.start_recording(rec.channel)
    again = sora.wait("recording.started", rec.channel, "REC-RESTART-NEW-ID", endpoint="session", after=mark)
    sora.check("REC-RESTART-NEW-ID", again.data().get("recording_id") != rec.recording_id,
               "the new recording reuses the old recording_id", "a new recording_id", rec.recording_id)
