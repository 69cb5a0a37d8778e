"""A connection that leaves is finalised then; the recording goes on for the others."""
import pytest


@pytest.mark.clause("REC-CONN-FINALISE")
def test_leaving_connection_is_finalised_while_the_recording_goes_on(sora):
    rec = sora.recording()
    leaver = sora.join_and_leave(rec)
    ended = [r.type for r in sora.webhooks(rec.channel) if r.type == "recording.report"]
    sora.check(not ended, "the recording ended when one connection left", "the recording still running", ended)
    report = sora.stop_and_report(rec)
    listed = [a.get("connection_id") for a in report.data().get("archives", []) if isinstance(a, dict)]
    sora.check(leaver.connection_id in listed and rec.client.connection_id in listed,
               "the report does not list both connections", [leaver.connection_id, rec.client.connection_id], listed)


@pytest.mark.clause("REC-CONN-FINALISE")
@pytest.mark.needs("archive_dir")
def test_leaving_connection_has_its_files_before_the_recording_stops(sora):
    rec = sora.recording()
    leaver = sora.join_and_leave(rec)
    names = sora.files.names(rec)
    wanted = f"archive-{leaver.connection_id}.json"
    sora.check(wanted in names, "the leaving connection's archive is not complete yet", wanted, names)
    mine_files = sora.files.archives(rec)
    sora.check(f"archive-{rec.client.connection_id}.json" not in mine_files,
               "the connection that stayed was finalised too", "only the leaver's archive so far", sorted(mine_files))
