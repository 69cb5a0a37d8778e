"""The recording as hisui reads it, and the FILES-COMPOSE findings, without running hisui."""
import json

from sora_conformance.composing.judge import TOLERANCE, composition_findings, connections, union_seconds
from sora_conformance.media.content import Interval, stated_interval
from sora_conformance.composing.runner import Composition, HisuiRun


def directory_with(tmp_path, files: dict[str, dict | None]):
    """JSON files (a dict) and media files (None) in a recording directory."""
    for name, meta in files.items():
        (tmp_path / name).write_text(json.dumps(meta) if meta is not None else "media")
    return tmp_path


def test_sources_are_the_archive_jsons_with_media_beside_them(tmp_path):
    found = connections(directory_with(tmp_path, {
        "archive-A.json": {"connection_id": "A", "start_time_offset": 0, "stop_time_offset": 3}, "archive-A.webm": None,
        "archive-B.json": {"connection_id": "B", "format": "mp4", "start_time_offset": 0, "stop_time_offset": 2},
        "archive-B.webm": None,  # format says mp4: hisui looks for archive-B.mp4, which is not there
        "split-archive-end-A.json": {"connection_id": "A"}, "report-R.json": {"connection_id": "A"}}))
    assert list(found) == ["A"] and found["A"].files == ["archive-A.webm"]


def test_dual_output_is_read_from_the_single_archive(tmp_path):
    piece = {"connection_id": "A", "start_time_offset": 0, "stop_time_offset": 1}
    found = connections(directory_with(tmp_path, {
        "archive-A.json": piece | {"stop_time_offset": 2}, "archive-A.webm": None,
        "split-archive-A_0001.json": piece, "split-archive-A_0001.webm": None}))
    assert found["A"].files == ["archive-A.webm"] and found["A"].seconds == 2.0


def test_timestamps_state_the_interval_finer_than_offsets():
    meta = {"start_timestamp": "2026-12-07T00:13:37.562Z", "stop_timestamp": "2026-12-07T00:13:38.812Z",
            "start_time_offset": 0, "stop_time_offset": 2}
    stated = stated_interval(meta)
    assert round(stated.stop - stated.start, 3) == 1.25 and stated.resolution == 0.001
    assert stated_interval({"start_time_offset": 1, "stop_time_offset": 2}) == Interval(1.0, 2.0, 1.0)


def test_the_recording_spans_the_union_of_its_connections():
    assert union_seconds([(0, 2), (1, 3), (5, 6)]) == 4
    assert union_seconds([]) == 0


def test_a_connection_composed_shorter_than_recorded_is_a_finding(tmp_path):
    conns = connections(directory_with(tmp_path, {
        "archive-A.json": {"connection_id": "A", "start_timestamp": "2026-12-07T00:00:00Z",
                           "stop_timestamp": "2026-12-07T00:00:03Z"}, "archive-A.webm": None}))
    reader = {"type": "webm_audio_reader", "input_files": [str(tmp_path / "archive-A.webm")]}
    short = Composition(tmp_path, HisuiRun(["hisui"], 0), stats={"processors": [
        reader | {"total_track_seconds": 3.0 - TOLERANCE - 0.1}]}, output_seconds=3.0)
    assert [f.title for f in composition_findings(conns, short)] == [
        "connection A: hisui composed 2.40 s of it, its files state 3.00 s"]
    whole = Composition(tmp_path, HisuiRun(["hisui"], 0), stats={"processors": [reader | {"total_track_seconds": 2.9}]},
                        output_seconds=3.0)
    assert composition_findings(conns, whole) == []


def test_a_refused_composition_is_one_refusal_with_hisuis_words(tmp_path):
    refused = Composition(tmp_path, HisuiRun(["hisui"], 1, ["unsupported: unknown length data"]))
    found = composition_findings({}, refused)
    assert [(f.title, f.refusal) for f in found] == [
        (f"hisui compose refused {tmp_path.name}: unsupported: unknown length data", True)]


def split_recording(tmp_path, pieces: int):
    files: dict[str, dict | None] = {}
    for i in range(pieces):
        files[f"split-archive-A_{i + 1:04d}.json"] = {
            "connection_id": "A", "start_timestamp": f"2026-12-07T00:00:{2 * i:02d}Z",
            "stop_timestamp": f"2026-12-07T00:00:{2 * i + 2:02d}Z"}
        files[f"split-archive-A_{i + 1:04d}.webm"] = None
    conns = connections(directory_with(tmp_path, files))
    reader = {"type": "webm_video_reader", "input_files": [str(tmp_path / n) for n in files if n.endswith(".webm")],
              "total_track_seconds": 2.0 * pieces}
    return conns, lambda seconds: Composition(tmp_path, HisuiRun(["hisui"], 0), stats={"processors": [reader]},
                                              output_seconds=seconds)


def test_split_pieces_laid_end_to_end_may_each_add_a_frame(tmp_path):
    """hisui places each piece where the previous one's last frame ends: 6 pieces of 2 s at 10 fps compose to
    12.6 s, not a finding; composed twice (24 s) is one."""
    conns, composed = split_recording(tmp_path, 6)
    assert composition_findings(conns, composed(12.6)) == []
    assert [f.title for f in composition_findings(conns, composed(24.0))] == [
        "hisui's composed output lasts 24.00 s, the recording's files span 12.00 s"]
    assert len(composition_findings(conns, composed(11.3))) == 1  # shorter has no allowance
