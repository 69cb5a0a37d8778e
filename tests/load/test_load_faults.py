"""Faults that act only above a concurrency threshold (sora_emulator/faults/load_changes.py): quiet while one
recording is live, each breaking what it says once more are, and counting one emulator's recordings only."""
from pathlib import Path

import pytest

from sora_conformance.catalogue import load_catalogue
from sora_emulator.faults import ALL_FAULTS, FAULTS, LOAD_FAULTS, ActiveFaults, known
from sora_emulator.files import FileWrite
from sora_emulator.webhooks import Hook


def recording(kind, recording_id, **data):
    return {"type": kind, "id": "I", "channel_id": "c", "session_id": "S",
            "data": {"recording_id": recording_id, "session_id": "S", **data}}


def archive_event(kind, recording_id, connection_id):
    return {"type": kind, "id": "I", "channel_id": "c", "log_written": True,
            "data": {"recording_id": recording_id, "connection_id": connection_id}}


ENTRY = {"label": "L", "node_name": "N", "client_id": "C1", "bundle_id": "C1", "connection_id": "C1",
         "start_time_offset": 0, "stop_time_offset": 3, "filename": "archive-C1.webm"}


def started(faults, *recording_ids):
    for recording_id in recording_ids:
        faults.webhook(Hook.SESSION, recording("recording.started", recording_id))


def test_load_faults_are_known_but_not_in_the_suites_mutation_matrix():
    assert set(LOAD_FAULTS) == {"report-lost-under-load", "archive-failed-under-load"}
    assert not set(LOAD_FAULTS) & set(FAULTS)  # the suite records one at a time: it never meets them
    assert known(LOAD_FAULTS) == frozenset(LOAD_FAULTS) and set(ALL_FAULTS) == set(FAULTS) | set(LOAD_FAULTS)


def test_each_load_fault_names_a_clause_or_the_failed_archives_it_causes():
    catalogue = load_catalogue()
    assert all(f.clause in catalogue or f.clause == "failed_archives" for f in LOAD_FAULTS.values())


def test_report_is_sent_while_one_recording_is_live():
    faults = ActiveFaults(["report-lost-under-load"])
    started(faults, "R1")
    assert faults.webhook(Hook.SESSION, recording("recording.report", "R1")).hook is Hook.SESSION


def test_report_is_lost_while_another_recording_is_live():
    faults = ActiveFaults(["report-lost-under-load"])
    started(faults, "R1", "R2")
    assert faults.webhook(Hook.SESSION, recording("recording.report", "R1")).hook is None
    assert faults.webhook(Hook.SESSION, recording("recording.report", "R2")).hook is Hook.SESSION  # alone again


def test_each_emulator_counts_its_own_recordings():
    busy, quiet = ActiveFaults(["report-lost-under-load"]), ActiveFaults(["report-lost-under-load"])
    started(busy, "R1", "R2")
    started(quiet, "R3")
    assert quiet.webhook(Hook.SESSION, recording("recording.report", "R3")).hook is Hook.SESSION


def test_archive_finalised_alone_is_written_and_reported():
    faults = ActiveFaults(["archive-failed-under-load"])
    started(faults, "R1")
    write = FileWrite(Path("/a/R1/archive-C1.json"), {"connection_id": "C1"})
    assert faults.file(write) == [write]
    report = faults.file(FileWrite(Path("/a/R1/report-R1.json"), {"archives": [ENTRY], "failed_archives": []}))
    assert report[0].body == {"archives": [ENTRY], "failed_archives": []}


def test_archive_finalised_under_load_fails_everywhere_it_is_reported():
    faults = ActiveFaults(["archive-failed-under-load"])
    started(faults, "R1", "R2")
    assert faults.file(FileWrite(Path("/a/R1/archive-C1.json"), {"connection_id": "C1"})) == []
    assert faults.webhook(Hook.EVENT, archive_event("archive.available", "R1", "C1")).body["type"] == "archive.failed"
    report = faults.file(FileWrite(Path("/a/R1/report-R1.json"), {"archives": [ENTRY], "failed_archives": []}))
    failed = {k: ENTRY[k] for k in ("label", "node_name", "client_id", "bundle_id", "connection_id")}
    assert report[0].body == {"archives": [], "failed_archives": [failed]}
    sent = faults.webhook(Hook.SESSION, recording("recording.report", "R1", archives=[ENTRY], failed_archives=[]))
    assert sent.body["data"]["archives"] == [] and sent.body["data"]["failed_archives"] == [failed]


def test_split_pieces_of_a_failed_archive_are_neither_written_nor_announced():
    faults = ActiveFaults(["archive-failed-under-load"])
    started(faults, "R1", "R2")
    assert faults.file(FileWrite(Path("/a/R1/split-archive-C1_0001.json"), {"connection_id": "C1"})) == []
    assert faults.file(FileWrite(Path("/a/R1/split-archive-end-C1.json"), {"connection_id": "C1"})) == []
    assert faults.webhook(Hook.EVENT, archive_event("split-archive.available", "R1", "C1")).hook is None
    assert faults.webhook(Hook.EVENT, archive_event("split-archive.end", "R1", "C1")).body["type"] == "archive.failed"


def test_media_writes_are_left_as_they_are():
    faults = ActiveFaults(["archive-failed-under-load"])
    started(faults, "R1", "R2")
    media = FileWrite(Path("/a/R1/archive-C1.webm"), seconds=1.0)
    assert faults.file(media) == [media]


@pytest.mark.parametrize("name", sorted(LOAD_FAULTS))
def test_load_faults_change_nothing_without_recordings(name):
    faults = ActiveFaults([name])
    body = archive_event("archive.available", "R1", "C1")
    assert faults.webhook(Hook.EVENT, body).body == body
