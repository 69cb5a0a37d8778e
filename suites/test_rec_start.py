"""Starting a session recording: only within a session, and at creation by the session.created answer."""
import time

import pytest

START = "Sora_20231220.StartRecording"


@pytest.mark.clause("REC-START-NO-SESSION")
def test_start_recording_without_session_is_refused(sora):
    sora.expect_refused(START, {"channel_id": sora.new_channel()}, "StartRecording on a channel with no session")


@pytest.mark.clause("REC-START-NO-SESSION")
def test_start_recording_without_session_sends_no_recording_started(sora):
    channel = sora.new_channel()
    sora.call(START, {"channel_id": channel})
    late = sora.nothing("recording.started", channel, within=1.0)
    sora.check(late is None, "recording.started was sent although no session exists", "no recording.started",
               late and late.payload)


@pytest.mark.clause("REC-START-NO-SESSION")
@pytest.mark.needs("archive_dir")
def test_start_recording_without_session_writes_no_files(sora):
    channel = sora.new_channel()
    since = time.time()
    sora.call(START, {"channel_id": channel})
    sora.call("Sora_20231220.StopRecording", {"channel_id": channel})  # whatever did start ends and writes now
    sora.nothing("recording.report", channel, within=0.5)
    written = sora.files.reports_for_channel(channel, since)
    sora.check(not written, "a recording was written for a channel without a session", "no report in archive_dir",
               [p.name for p in written])


@pytest.mark.clause("REC-START-ON-CREATE")
def test_session_created_recording_true_starts_recording(sora):
    channel = sora.new_channel()
    sora.answer_session_created(channel, {"recording": True})
    client = sora.connect(channel)
    started = sora.wait("recording.started", channel, endpoint="session")
    sora.check_value(started.data(), "session_id", client.session_id,
                     "recording.started is not for the session just created")


@pytest.mark.clause("REC-START-ON-CREATE")
def test_recording_at_creation_needs_no_api_call(sora):
    rec = sora.recording(via="session.created")
    sora.check(not sora.calls(), "the harness had to call the API", "no API call", sora.calls())
    sora.check(bool(rec.recording_id), "recording.started has no recording_id", "a recording_id", rec.started.payload)


@pytest.mark.clause("REC-START-ON-CREATE")
def test_session_created_without_recording_starts_nothing(sora):
    channel, _ = sora.live_channel()
    sora.wait("session.created", channel, endpoint="session")
    late = sora.nothing("recording.started", channel, within=1.0)
    sora.check(late is None, "recording started although session.created did not ask", "no recording.started",
               late and late.payload)


@pytest.mark.clause("API-START-RENAMED")
def test_start_recording_20231220_starts_a_session_recording(sora):
    channel, client = sora.live_channel()
    sora.expect_accepted(START, {"channel_id": channel}, START)
    started = sora.wait("recording.started", channel, endpoint="session")
    sora.check_value(started.data(), "session_id", client.session_id, "the recording is not of the channel's session")


@pytest.mark.clause("API-START-CHANNEL")
def test_start_recording_without_channel_id_is_refused(sora):
    sora.expect_refused(START, {}, "StartRecording without channel_id")


@pytest.mark.clause("REC-RESTART-NEW-ID")
def test_restarted_recording_gets_a_new_recording_id(sora):
    rec = sora.finished_recording()
    mark = sora.mark()
    sora.start_recording(rec.channel)
    again = sora.wait("recording.started", rec.channel, endpoint="session", after=mark)
    sora.check(again.data().get("recording_id") != rec.recording_id, "the new recording reuses the old recording_id",
               "a new recording_id", rec.recording_id)


@pytest.mark.clause("REC-CREATE-OPTIONS")
def test_session_created_recording_options_behave_like_start_recording(sora):
    metadata = {"purpose": "conformance"}
    rec = sora.recording(via="session.created", expire_time=3600, split_only=True, split_duration=1,
                         metadata=metadata)
    data = rec.started.data()
    wanted = {"expire_time": 3600, "split_only": True, "split_duration": 1, "recording_metadata": metadata}
    seen = {key: data.get(key) for key in wanted}
    sora.check(seen == wanted, "recording.started does not carry the session.created recording options", wanted, seen)


@pytest.mark.clause("REC-CREATE-OPTIONS")
@pytest.mark.needs("archive_dir")
def test_session_created_split_only_writes_only_split_files(sora):
    rec = sora.recording(via="session.created", split_only=True, split_duration=1)
    sora.stop_and_report(rec)
    names = sora.files.names(rec)
    cid = rec.client.connection_id
    sora.check(f"split-archive-end-{cid}.json" in names and f"archive-{cid}.json" not in names,
               "recording_split_only from session.created did not give split-only output",
               f"split-archive-end-{cid}.json and no archive-{cid}.json", names)
