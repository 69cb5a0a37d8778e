"""Recording files in archive_dir: where they go and how a recording directory hangs together."""
import pytest

from sora_conformance.contract.files import validate_archive_dir


@pytest.mark.clause("FILES-IN-ARCHIVE-DIR")
def test_recording_files_are_written_to_archive_dir(sora):
    rec = sora.finished_recording()
    sora.check_value(sora.files.report(rec), "recording_id", rec.recording_id,
                     "the report file is for another recording")


@pytest.mark.clause("OUT-SINGLE")
def test_each_recorded_connection_has_one_archive_file(sora):
    rec = sora.recording()
    other = sora.join(rec)
    sora.stop_and_report(rec)
    names = sora.files.names(rec)
    for client in (rec.client, other):
        media = [n for n in names if n.startswith(f"archive-{client.connection_id}.") and not n.endswith(".json")]
        sora.check(len(media) == 1, f"connection {client.connection_id} has {len(media)} media files",
                   "exactly one archive-<connection_id> media file", media)


@pytest.mark.clause("FILES-LAYOUT", "FILE-ARCHIVE-OFFSETS")
def test_recording_directory_passes_the_cross_file_rules(sora):
    rec = sora.finished_recording()
    results = list(validate_archive_dir(sora.files.directory(rec)))
    sora.check(any(r.schema == "file.report" for r in results), "the recording directory has nothing to validate",
               "a report file and its archives", [r.where for r in results])
    sora.check_contract(results)


@pytest.mark.clause("ID-FILES")
def test_every_recording_file_names_what_it_belongs_to(sora):
    rec = sora.finished_recording()
    files = {"report": sora.files.report(rec)}
    files |= {f"archives[{i}]": entry for i, entry in enumerate(files["report"].get("archives") or [])}
    files |= sora.files.archives(rec)
    sora.check(len(files) > 2, "the recording has no archive file or entry to check", "archive files and entries",
               sorted(files))
    unnamed = [name for name, body in files.items()
               if not isinstance(body, dict) or not body.get("recording_id" if name == "report" else "connection_id")]
    sora.check(not unnamed, f"recording files that do not name what they belong to: {unnamed}",
               "recording_id in the report; connection_id in every archive file and archives[] entry", unnamed)


@pytest.mark.clause("FILE-REPORT-SESSION-ID")
def test_report_file_carries_the_recorded_session_id(sora):
    rec = sora.finished_recording()
    sora.check_value(sora.files.report(rec), "session_id", rec.session_id,
                     "the report file does not name the recorded session")
