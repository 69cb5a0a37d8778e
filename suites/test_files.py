"""Recording files in archive_dir: where they go and how a recording directory hangs together."""
import pytest

from sora_conformance.contract.files import validate_archive_dir


@pytest.mark.clause("FILES-IN-ARCHIVE-DIR")
def test_recording_files_are_written_to_archive_dir(sora):
    rec = sora.recording("FILES-IN-ARCHIVE-DIR")
    report = sora.stopped_report_file(rec, "FILES-IN-ARCHIVE-DIR")
    sora.check("FILES-IN-ARCHIVE-DIR", report.get("recording_id") == rec.recording_id,
               "the report file is for another recording", rec.recording_id, report.get("recording_id"))


@pytest.mark.clause("OUT-SINGLE")
def test_each_recorded_connection_has_one_archive_file(sora):
    rec = sora.recording("OUT-SINGLE")
    other = sora.connect(rec.channel)
    sora.wait("archive.started", rec.channel, "OUT-SINGLE",
              match=lambda r: r.data().get("connection_id") == other.connection_id)
    sora.api.stop_recording(rec.channel)
    sora.report_webhook(rec, "OUT-SINGLE")
    directory = sora.recording_dir(rec.recording_id)
    for client in (rec.client, other):
        media = sorted(p.name for p in directory.glob(f"archive-{client.connection_id}.*") if p.suffix != ".json")
        sora.check("OUT-SINGLE", len(media) == 1, f"connection {client.connection_id} has {len(media)} media files",
                   "exactly one archive-<connection_id> media file", media)


@pytest.mark.clause("FILES-LAYOUT", "FILE-ARCHIVE-OFFSETS")
def test_recording_directory_passes_the_cross_file_rules(sora):
    rec = sora.recording("FILES-LAYOUT")
    sora.api.stop_recording(rec.channel)
    sora.report_webhook(rec, "FILES-LAYOUT")
    results = list(validate_archive_dir(sora.recording_dir(rec.recording_id)))
    for result in results:
        sora.evidence(f"validated {result.where}", {"schema": result.schema, "error": result.error,
                                                    "violations": [v.as_dict() for v in result.violations]})
        for violation in result.violations:
            sora.check(violation.clause or "FILES-LAYOUT", False, f"{result.where}: {violation}")
        sora.check("FILES-LAYOUT", result.error is None, f"{result.where}: {result.error}")


@pytest.mark.clause("FILE-REPORT-SESSION-ID")
def test_report_file_carries_the_recorded_session_id(sora):
    rec = sora.recording("FILE-REPORT-SESSION-ID")
    report = sora.stopped_report_file(rec, "FILE-REPORT-SESSION-ID")
    sora.check("FILE-REPORT-SESSION-ID", report.get("session_id") == rec.session_id,
               "the report file does not name the recorded session", rec.session_id, report.get("session_id"))


@pytest.mark.clause("ID-FILES")
def test_every_recording_file_names_what_it_belongs_to(sora):
    rec = sora.recording("ID-FILES")
    files = {"report": sora.stopped_report_file(rec, "ID-FILES")}
    files |= {f"archives[{i}]": entry for i, entry in enumerate(files["report"].get("archives") or [])}
    files |= {p.name: sora.read_json(p) for p in sorted(sora.recording_dir(rec.recording_id).glob("*archive-*.json"))}
    unnamed = [name for name, body in files.items()
               if not isinstance(body, dict) or not body.get("recording_id" if name == "report" else "connection_id")]
    sora.check("ID-FILES", not unnamed, f"recording files that do not name what they belong to: {unnamed}",
               "recording_id in the report; connection_id in every archive file and archives[] entry", unnamed)
