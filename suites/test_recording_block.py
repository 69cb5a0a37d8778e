"""recording_block: true from the auth webhook keeps that connection out of the session recording."""
import pytest


@pytest.mark.clause("BLOCK-AUTH")
def test_blocked_connection_is_not_in_the_report(sora):
    rec = sora.recording("BLOCK-AUTH")
    blocked = sora.connect(rec.channel, auth_answer={"recording_block": True})
    sora.stop_recording(rec.channel)
    report = sora.report_webhook(rec, "BLOCK-AUTH")
    archived = [a.get("connection_id") for a in report.data().get("archives", []) if isinstance(a, dict)]
    sora.check("BLOCK-AUTH", blocked.connection_id not in archived, "the blocked connection is in the report",
               f"archives without {blocked.connection_id}", archived)
    sora.check("BLOCK-AUTH", rec.client.connection_id in archived, "the unblocked connection was not recorded",
               f"archives with {rec.client.connection_id}", archived)


@pytest.mark.clause("BLOCK-AUTH")
def test_blocked_connection_gets_no_archive_webhooks(sora):
    rec = sora.recording("BLOCK-AUTH")
    blocked = sora.connect(rec.channel, auth_answer={"recording_block": True})
    sora.stop_recording(rec.channel)
    sora.report_webhook(rec, "BLOCK-AUTH")
    stray = [r.type for r in sora.capture.for_channel(rec.channel)
             if r.type and r.type.startswith(("archive.", "split-archive."))
             and r.data().get("connection_id") == blocked.connection_id]
    sora.check("BLOCK-AUTH", not stray, "archive webhooks were sent for the blocked connection", "none", stray)


@pytest.mark.clause("BLOCK-AUTH")
def test_blocked_connection_leaves_no_files(sora):
    if sora.target.archive_dir is None:
        pytest.skip("unsupported: archive_dir is not readable here")
    rec = sora.recording("BLOCK-AUTH")
    blocked = sora.connect(rec.channel, auth_answer={"recording_block": True})
    sora.stop_recording(rec.channel)
    sora.report_webhook(rec, "BLOCK-AUTH")
    directory = sora.recording_dir(rec.recording_id)
    files = sorted(p.name for p in directory.iterdir() if blocked.connection_id in p.name)
    sora.check("BLOCK-AUTH", not files, "files were written for the blocked connection", "none", files)
    recorded = sorted(p.name for p in directory.iterdir() if rec.client.connection_id in p.name)
    sora.check("BLOCK-AUTH", bool(recorded), "the unblocked connection has no files", "its archive files", recorded)
