"""Recording outputs: format (WebM / MP4), dual output, and the recording a session shows."""
import asyncio
import json

import av
import pytest

from sora_emulator.answers import session_recording
from sora_emulator.app import EmulatorApp
from sora_emulator.config import EmulatorConfig
from sora_emulator.errors import ApiError
from sora_emulator.faults import ActiveFaults
from sora_emulator.files import Disk
from sora_emulator.params import UNSET, RecordingParams, RecordingRules, session_recording_params
from sora_emulator.policies import ArchiveOutputs
from sora_emulator.recorder import Recorder
from sora_emulator.state import Archive, Connection, Recording


def params(body):
    return session_recording_params({"channel_id": "c"} | body, RecordingRules())


def test_format_defaults_to_webm_and_takes_mp4():
    assert params({}).format == "webm"
    assert params({"format": "mp4"}).format == "mp4"


@pytest.mark.parametrize("value", ["flv", 1, None])
def test_an_unknown_format_is_refused(value):
    with pytest.raises(ApiError):
        params({"format": value})


@pytest.mark.parametrize("faults, written", [(frozenset(), "mp4"), (frozenset({"format-ignored"}), "webm")])
def test_format_ignored_fault_records_webm(tmp_path, faults, written):
    app = EmulatorApp(EmulatorConfig(archive_dir=tmp_path / "archive", log_dir=tmp_path / "log", faults=faults))

    async def start() -> Recording:
        try:
            return await app.start_recording(params({"format": "mp4"}), require_session=False)
        finally:
            await app.close()

    assert asyncio.run(start()).params.format == written


def _recording(**options):
    connection = Connection("CID", "c", "SID", "sendonly", "CID", "CID", True, True, False, 100.0, connected=True)
    rec = Recording("RID", "c", "SID", RecordingParams("c", None, False, None, UNSET) if not options else
                    RecordingParams("c", None, options.get("split_only", False), options.get("split_duration"), UNSET,
                                    format=options.get("format", "webm")), 100.0)
    return rec, Archive(connection, 100.0, 101.5)


def test_mp4_recording_writes_an_mp4_container(tmp_path):
    rec, archive = _recording(format="mp4")
    written = Recorder(tmp_path, Disk()).finalise_archive(rec, archive)
    media = tmp_path / "RID" / "archive-CID.mp4"
    with av.open(str(media)) as container:
        assert "mp4" in container.format.name.split(",")
    assert written.entry["filename"] == "archive-CID.mp4"
    assert dict(written.events)["archive.available"]["filename"] == "archive-CID.mp4"


@pytest.mark.parametrize("dual, expected", [(False, {"archive-CID.json"}),
                                             (True, {"archive-CID.json", "split-archive-end-CID.json"})])
def test_split_duration_writes_split_files_only_with_dual_output(tmp_path, dual, expected):
    rec, archive = _recording(split_duration=1)
    written = Recorder(tmp_path, Disk(), ArchiveOutputs(recording_dual_output=dual)).finalise_archive(rec, archive)
    names = {p.name for p in (tmp_path / "RID").iterdir()}
    assert expected <= names and ("split-archive-CID_0001.json" in names) == dual
    assert ("split_last_index" in written.entry) == dual and written.entry["filename"] == "archive-CID.webm"


def test_a_recorded_session_shows_its_recording():
    rec, _ = _recording(format="mp4")
    shown = session_recording(rec)
    assert shown["recording_id"] == "RID" and shown["format"] == "mp4" and shown["split_only"] is False
    assert "expire_time" not in shown and "channel_id" not in shown


@pytest.mark.parametrize("fmt", ["webm", "mp4"])
def test_received_media_is_written_in_the_recordings_format(tmp_path, fmt):
    """MP4 archives hold what the connection sent too, not synthesised frames: the writer gets their layouts."""
    rec, _ = _recording(format=fmt, split_only=True, split_duration=1)
    recorder = Recorder(tmp_path, Disk(), ArchiveOutputs(recording_dual_output=True))
    [split] = recorder.media_layouts(rec, "CID")
    assert split.stem(1) == "split-archive-CID_0001" and split.split == 1.0
    rec, _ = _recording(format=fmt)
    [single] = recorder.media_layouts(rec, "CID")
    assert single.stem(1) == "archive-CID"


def _split_recording(tmp_path, faults=()):
    """A split-only recording (1 s pieces) of a connection recorded from 0.4 s to 3.1 s into it."""
    rec, _ = _recording(split_only=True, split_duration=1)
    connection = Connection("CID", "c", "SID", "sendonly", "CID", "CID", True, True, False, 100.0, connected=True)
    Recorder(tmp_path, Disk(ActiveFaults(faults).file)).finalise_archive(rec, Archive(connection, 100.4, 103.1))
    pieces = [json.loads(p.read_text()) for p in sorted((tmp_path / "RID").glob("split-archive-CID_*.json"))]
    end = json.loads((tmp_path / "RID" / "split-archive-end-CID.json").read_text())
    return [(p["start_time_offset"], p["stop_time_offset"]) for p in pieces], (end["start_time_offset"],
                                                                               end["stop_time_offset"])


def test_split_pieces_offsets_follow_each_other_and_the_end_spans_them(tmp_path):
    """hisui drops a piece that starts before the previous one stops: each stop is the next piece's start."""
    pieces, end = _split_recording(tmp_path)
    assert pieces == [(0, 1), (1, 2), (2, 4)] and end == (0, 4)


def test_split_offsets_overlap_fault_makes_consecutive_pieces_overlap(tmp_path):
    pieces, end = _split_recording(tmp_path, ["split-offsets-overlap"])
    assert pieces == [(0, 2), (1, 3), (2, 5)] and end == (0, 4)
