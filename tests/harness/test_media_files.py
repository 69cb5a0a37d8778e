"""Reading a connection's media back from archive_dir: no file, or a JSON naming no media, never passes."""
import json

import pytest

from sora_conformance.harness.archive import ArchiveDir
from sora_conformance.harness.media import connection_media
from sora_conformance.harness.verdict import ClauseFailure

CLAUSE = "MEDIA-OWN-CONTENT"


def archive(tmp_path, files):
    directory = tmp_path / "REC"
    directory.mkdir()
    for name, body in files.items():
        (directory / name).write_text(json.dumps(body) if isinstance(body, dict) else body)
    return ArchiveDir(tmp_path, lambda title, body: None)


def test_a_connection_without_files_fails_the_clause(tmp_path):
    with pytest.raises(ClauseFailure) as failure:
        connection_media(archive(tmp_path, {"archive-OTHER.json": {}}), "REC", "CID", CLAUSE, lambda *a: None)
    assert failure.value.clause == CLAUSE


@pytest.mark.parametrize("filename", [None, 7, "../escape.webm", "missing.webm"])
def test_a_json_naming_no_media_file_fails_the_clause(tmp_path, filename):
    files = {"archive-CID.json": {"connection_id": "CID"} | ({"filename": filename} if filename else {})}
    with pytest.raises(ClauseFailure, match="names no media file"):
        connection_media(archive(tmp_path, files), "REC", "CID", CLAUSE, lambda *a: None)


def test_split_pieces_come_in_index_order_with_their_intervals(tmp_path):
    files = {f"split-archive-CID_{i:04d}.json": {"filename": f"split-archive-CID_{i:04d}.webm",
                                                 "start_timestamp": f"2026-01-01T00:00:0{i}.000Z",
                                                 "stop_timestamp": f"2026-01-01T00:00:0{i + 1}.000Z"}
             for i in (2, 1)}
    files |= {f"split-archive-CID_{i:04d}.webm": "not media" for i in (1, 2)}
    pieces = connection_media(archive(tmp_path, files), "REC", "CID", CLAUSE, lambda *a: None)
    assert [p.name for p in pieces] == ["split-archive-CID_0001.webm", "split-archive-CID_0002.webm"]
    assert pieces[0].interval().seconds == 1.0 and pieces[0].interval().resolution == 0.001
    assert pieces[0].content.error


def test_a_json_without_filename_or_timestamps_as_hisui_reads_it(tmp_path):
    files = {"archive-CID.json": {"connection_id": "CID", "start_time_offset": 2, "stop_time_offset": 5},
             "archive-CID.mp4": "not media"}
    [found] = connection_media(archive(tmp_path, files), "REC", "CID", CLAUSE, lambda *a: None)
    assert found.name == "archive-CID.mp4"
    assert (found.interval().seconds, found.interval().resolution) == (3.0, 1.0)


def test_sora_files_judge_only_the_tests_own_clauses(tmp_path, make_scenario):
    from types import SimpleNamespace

    from sora_conformance.harness.files import RecordingFiles
    from sora_conformance.harness.verdict import HarnessError

    scenario = make_scenario(clauses=(CLAUSE, "MEDIA-DURATION"))
    files = RecordingFiles(archive(tmp_path, {"archive-OTHER.json": {}}), scenario.clause, lambda *a: None)
    rec, client = SimpleNamespace(recording_id="REC"), SimpleNamespace(connection_id="CID", channel_id="ch")
    with pytest.raises(ClauseFailure) as first:
        files.media(rec, client)
    with pytest.raises(ClauseFailure) as named:
        files.media(rec, client, clause="MEDIA-DURATION")
    assert (first.value.clause, named.value.clause) == (CLAUSE, "MEDIA-DURATION")
    with pytest.raises(HarnessError, match="tagged only with"):
        files.media(rec, client, clause="BLOCK-AUTH")
