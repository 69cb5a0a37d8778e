"""`sora-conformance validate` judges the media files of an archive directory offline: their container shape,
whether they were finalised, whether their media reaches the end of their JSON's interval, and how split pieces
chain their offsets. Each failing line names the clause and the rule."""
import datetime as dt
import json
import shutil

from tests.validating import run

from .media_builders import SoraWebm, cluster, ffmpeg_file, media

CID = "C0NNECT10N"
RID = "REC0RD1NG"



def stamp(seconds):
    return (dt.datetime(2026, 12, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)).isoformat()


def archive_json(start, stop, **extra):
    return {"recording_id": RID, "channel_id": "ch", "connection_id": CID, "format": "webm", "audio": True,
            "video": True,
            "start_time_offset": start, "stop_time_offset": stop, "start_timestamp": stamp(start),
            "stop_timestamp": stamp(stop)} | extra


def recording(tmp_path, pieces=None, single=(0, 2)):
    """A recording directory: one connection's single archive, or its split pieces [(start, stop), ...]."""
    directory = tmp_path / RID
    directory.mkdir()
    entry = {"connection_id": CID} | ({"split_last_index": f"{len(pieces):04d}"} if pieces else {})
    report = {"recording_id": RID, "channel_id": "ch", "session_id": "5ZJ8Q3M0V6T1H4R7W9K2N5P8BA",
              "split_only": bool(pieces), "archives": [entry], "failed_archives": []}
    (directory / f"report-{RID}.json").write_text(json.dumps(report))
    if pieces:
        for index, (start, stop) in enumerate(pieces, 1):
            piece = archive_json(start, stop, filename=f"split-archive-{CID}_{index:04d}.webm")
            (directory / f"split-archive-{CID}_{index:04d}.json").write_text(json.dumps(piece))
            SoraWebm().write(directory / f"split-archive-{CID}_{index:04d}.webm")
        end = archive_json(pieces[0][0], pieces[-1][1])
        (directory / f"split-archive-end-{CID}.json").write_text(json.dumps(end))
    else:
        single_json = archive_json(*single, filename=f"archive-{CID}.webm")
        (directory / f"archive-{CID}.json").write_text(json.dumps(single_json))
        SoraWebm().write(directory / f"archive-{CID}.webm")
    return directory


def failing_lines(out, clause):
    return [line for line in out.splitlines() if clause in line]


def test_a_recording_with_sora_shaped_media_is_valid(tmp_path, capsys):
    recording(tmp_path)
    code, out, _ = run(capsys, tmp_path, "--strict")
    assert code == 0, out


def test_a_webm_ffmpeg_wrote_fails_naming_clause_and_rule(tmp_path, capsys):
    directory = recording(tmp_path)
    ffmpeg_file(directory / f"archive-{CID}.webm", seconds=2.0)
    code, out, _ = run(capsys, tmp_path)
    lines = failing_lines(out, "FILE-WEBM-SHAPE")
    assert code == 1 and lines and all(" FAIL webm W" in line for line in lines)
    assert any("W4" in line and "Lavf" in line for line in lines)


def test_a_media_file_cut_off_mid_write_fails_finalised(tmp_path, capsys):
    webm = recording(tmp_path) / f"archive-{CID}.webm"
    webm.write_bytes(webm.read_bytes()[: webm.stat().st_size // 2])
    code, out, _ = run(capsys, tmp_path)
    assert code == 1 and failing_lines(out, "FILE-FINALISED")


def test_a_finalised_file_whose_media_stops_short_of_its_interval_fails_own_content(tmp_path, capsys):
    webm = recording(tmp_path, single=(0, 5)) / f"archive-{CID}.webm"
    SoraWebm(clusters=[cluster(0, *media(1.0, 1, 2))]).write(webm)  # 1 s of media for a 5 s interval
    code, out, _ = run(capsys, tmp_path)
    lines = failing_lines(out, "MEDIA-OWN-CONTENT")
    assert code == 1 and len(lines) == 1 and "FAIL" in lines[0] and "of the 5.00 s its JSON states" in lines[0]


def test_a_media_file_given_alone_is_judged_with_the_json_beside_it(tmp_path, capsys):
    webm = recording(tmp_path) / f"archive-{CID}.webm"
    assert run(capsys, webm)[0] == 0
    ffmpeg_file(webm)
    code, out, _ = run(capsys, webm)
    assert code == 1 and failing_lines(out, "FILE-WEBM-SHAPE")


def test_split_pieces_that_follow_each_other_pass_split_offsets(tmp_path, capsys):
    recording(tmp_path, pieces=[(0, 1), (1, 2), (2, 3)])
    code, out, _ = run(capsys, tmp_path, "--strict")
    assert code == 0, out


def test_overlapping_split_offsets_break_split_offsets(tmp_path, capsys):
    recording(tmp_path, pieces=[(0, 2), (1, 3)])  # stop rounded up, start down: hisui drops the second piece
    code, out, _ = run(capsys, tmp_path, "--strict")
    lines = failing_lines(out, "FILE-SPLIT-OFFSETS")
    assert code == 1 and any("split 0002" in line and "overlaps" in line for line in lines)
    assert run(capsys, tmp_path)[0] == 0  # a should: a warning unless --strict


def test_a_split_archive_end_that_does_not_span_its_pieces_breaks_split_offsets(tmp_path, capsys):
    directory = recording(tmp_path, pieces=[(0, 1), (1, 2)])
    (directory / f"split-archive-end-{CID}.json").write_text(json.dumps(archive_json(0, 1)))
    code, out, _ = run(capsys, tmp_path, "--strict")
    assert code == 1 and any("split-archive-end" in line for line in failing_lines(out, "FILE-SPLIT-OFFSETS"))


def test_hisuis_split_pieces_chain_their_offsets(tmp_path, capsys, real):
    """hisui's testdata: pieces [11, 22] and [22, 51], split-archive-end [11, 51]."""
    directory = recording(tmp_path, pieces=[(11, 22), (22, 51)])
    for path in (real / "hisui").glob("split-archive-*.json"):
        shutil.copy(path, directory / path.name.replace("Z2EDY12WX13QK8X8JDZK81MM0G", CID))
    code, out, _ = run(capsys, tmp_path, "--strict")
    assert not failing_lines(out, "FILE-SPLIT-OFFSETS"), out
