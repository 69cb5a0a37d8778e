"""recording_block: true from the auth webhook keeps that connection out of the session recording.

The seed says only that no files are written (BLOCK-AUTH, must); that the connection also gets no archive
webhooks and no report entry is our reading (BLOCK-AUTH-UNREPORTED, a warning)."""
import pytest


@pytest.mark.clause("BLOCK-AUTH-UNREPORTED")
def test_blocked_connection_is_not_in_the_report(sora):
    rec, blocked = sora.recording_with_blocked()
    report = sora.stop_and_report(rec)
    archived = [a.get("connection_id") for a in report.data().get("archives", []) if isinstance(a, dict)]
    sora.check(blocked.connection_id not in archived, "the blocked connection is in the report",
               f"archives without {blocked.connection_id}", archived)
    sora.check(rec.client.connection_id in archived, "the unblocked connection was not recorded",
               f"archives with {rec.client.connection_id}", archived)


@pytest.mark.clause("BLOCK-AUTH-UNREPORTED")
def test_blocked_connection_gets_no_archive_webhooks(sora):
    rec, blocked = sora.recording_with_blocked()
    sora.stop_and_report(rec)
    stray = [r.type for r in sora.webhooks(rec.channel) if r.type and r.type.startswith(("archive.", "split-archive."))
             and r.data().get("connection_id") == blocked.connection_id]
    sora.check(not stray, "archive webhooks were sent for the blocked connection", "none", stray)


@pytest.mark.clause("BLOCK-AUTH")
@pytest.mark.needs("archive_dir")
def test_blocked_connection_leaves_no_files(sora):
    rec, blocked = sora.recording_with_blocked()
    sora.stop_and_report(rec)
    names = sora.files.names(rec)
    files = [n for n in names if blocked.connection_id in n]
    sora.check(not files, "files were written for the blocked connection", "none", files)
    recorded = [n for n in names if rec.client.connection_id in n]
    sora.check(bool(recorded), "the unblocked connection has no files", "its archive files", recorded)
