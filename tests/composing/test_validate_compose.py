"""`sora-conformance validate DIR --compose`: hisui offline on every recording directory; exit 1 when hisui
refuses, a FILES-COMPOSE warning when it composes wrongly, exit 2 when hisui cannot run; never a traceback."""
from tests.validating import run as run_validate

from .conftest import recording



def run(capsys, *argv):
    return run_validate(capsys, "--compose", *argv)


def test_a_recording_of_sora_webms_composes(tmp_path, capsys, real_sora_webm):
    directory = recording(tmp_path / "REC", real_sora_webm, {"archive-A": (0, 3), "archive-B": (0, 3)})
    code, out, _ = run(capsys, directory)
    assert code == 0 and "hisui" not in out


def test_the_archive_dir_above_the_recordings_is_composed_too(tmp_path, capsys, real_sora_webm):
    recording(tmp_path / "archive" / "REC", real_sora_webm, {"archive-A": (0, 3)})
    media = recording(tmp_path / "archive" / "REC2", real_sora_webm, {"archive-B": (0, 3)}) / "archive-B.webm"
    media.write_bytes(media.read_bytes()[:1000])
    code, out, _ = run(capsys, tmp_path / "archive")
    assert code == 1
    assert "REC2: ERROR hisui inspect --decode archive-B.webm: failed to fill whole buffer" in out
    assert not [line for line in out.splitlines() if "/REC:" in line and "hisui" in line]  # the whole one composes


def test_a_dropped_piece_warns_under_files_compose_and_fails_strict(tmp_path, capsys, real_sora_webm):
    pieces = {"split-archive-A_0001": (0, 3), "split-archive-A_0002": (2, 6)}
    directory = recording(tmp_path / "REC", real_sora_webm, pieces)
    code, out, _ = run(capsys, directory)
    assert code == 0
    assert "WARN hisui /: hisui composed connection A without split-archive-A_0002.webm [FILES-COMPOSE" in out
    assert run(capsys, directory, "--strict")[0] == 1


def test_a_directory_without_media_is_not_a_pass(tmp_path, capsys):
    directory = tmp_path / "REC"
    directory.mkdir()
    (directory / "report-REC.json").write_text('{"recording_id": "REC", "archives": []}')
    code, out, _ = run(capsys, directory)
    assert code == 1 and "no recording directory with media files for hisui to compose" in out


def test_compose_needs_a_directory(tmp_path, capsys):
    path = tmp_path / "report.json"
    path.write_text('{"recording_id": "REC", "archives": []}')
    code, out, _ = run(capsys, path)
    assert code == 1 and "--compose needs a recording directory" in out


def test_no_hisui_is_one_line_and_exit_2(tmp_path, capsys, real_sora_webm):
    directory = recording(tmp_path / "REC", real_sora_webm, {"archive-A": (0, 3)})
    code, _, err = run(capsys, directory, "--hisui", tmp_path / "missing")
    assert code == 2 and err.strip().splitlines() == [
        f"sora-conformance validate: --compose: hisui not found at {tmp_path / 'missing'} (--hisui)"]


def test_an_openh264_that_does_not_load_is_one_line_and_exit_2(tmp_path, capsys, real_sora_webm):
    directory = recording(tmp_path / "REC", real_sora_webm, {"archive-A": (0, 3)})
    code, _, err = run(capsys, directory, "--openh264", real_sora_webm)
    assert code == 2 and "hisui cannot load OpenH264 from" in err
