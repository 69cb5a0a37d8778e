"""How the runner reads hisui when things go wrong (a stub hisui): every [ERROR] line is a finding whatever the
exit code, a missing decoder or binary is unsupported, a hang or a kill is an error, the output stays bounded."""
import json
from pathlib import Path

import pytest

from sora_conformance.composing import runner
from sora_conformance.composing.runner import HisuiStuck
from sora_conformance.composing.tools import HisuiTool, HisuiUnavailable, find_hisui

from .conftest import stub_hisui

BLOCK_ERROR = "1796601864.577057 [ERROR] hisui::scheduler - failed to fill whole buffer\\n  at src/reader_webm.rs:143"


@pytest.fixture
def media(tmp_path) -> Path:
    path = tmp_path / "archive-CID.webm"
    path.write_bytes(b"\x1a\x45\xdf\xa3")
    return path


def test_an_error_line_is_a_finding_even_when_inspect_exits_0(tmp_path, media):
    hisui = stub_hisui(tmp_path, f'printf "{BLOCK_ERROR}\\n" >&2; echo "{{}}"; exit 0')
    inspection = hisui.inspect(media)
    assert inspection.run.returncode == 0 and inspection.run.refused
    assert inspection.run.errors == ["failed to fill whole buffer"]


def test_the_same_error_of_two_readers_is_reported_once(tmp_path, media):
    hisui = stub_hisui(tmp_path, f'printf "{BLOCK_ERROR}\\n{BLOCK_ERROR}\\n" >&2')
    assert hisui.inspect(media).run.errors == ["failed to fill whole buffer"]


def test_a_refusal_carries_hisuis_own_message(tmp_path, media):
    hisui = stub_hisui(tmp_path, 'echo "Error: expected WebM element (ID=0x4D80) value \\"WebRTC SFU Sora\\", '
                                 'but got \\"Lavf62.12.102\\"" >&2; echo "  at src/reader_webm.rs:184" >&2; exit 1')
    run = hisui.inspect(media).run
    assert run.returncode == 1
    assert run.errors == ['expected WebM element (ID=0x4D80) value "WebRTC SFU Sora", but got "Lavf62.12.102"']


def test_a_panic_is_a_refusal_with_its_message(tmp_path, media):
    hisui = stub_hisui(tmp_path, "echo \"thread 'main' panicked at src/reader_webm.rs:9:5:\" >&2; exit 101")
    assert hisui.inspect(media).run.errors == ["panicked at src/reader_webm.rs:9:5:"]


def test_a_silent_non_zero_exit_is_a_refusal(tmp_path, media):
    assert stub_hisui(tmp_path, "exit 3").inspect(media).run.errors == ["hisui inspect exited with status 3"]


def test_a_missing_decoder_is_unsupported_with_the_remedy(tmp_path, media):
    hisui = stub_hisui(tmp_path, 'echo "1.0 [ERROR] hisui::scheduler - no available decoder for H264 codec '
                                 '(candidate decoders: )" >&2')
    with pytest.raises(HisuiUnavailable, match="no H264 decoder here: install Debian's libopenh264-7"):
        hisui.inspect(media)


def test_a_hisui_that_hangs_is_stopped_at_its_deadline(tmp_path, media):
    hisui = stub_hisui(tmp_path, "exec sleep 30", multiplier=0.02)  # 10 s base: 0.2 s
    with pytest.raises(HisuiStuck, match="did not finish within 0.2 s"):
        hisui.inspect(media)


def test_a_hisui_killed_by_a_signal_cannot_judge(tmp_path, media):
    with pytest.raises(HisuiStuck, match="killed by signal 9"):
        stub_hisui(tmp_path, "kill -9 $$").inspect(media)


def test_a_binary_that_cannot_run_is_unsupported(tmp_path, media):
    binary = tmp_path / "hisui"
    binary.write_bytes(b"\x7fELF not really")
    binary.chmod(0o755)
    with pytest.raises(HisuiUnavailable, match="cannot run"):
        runner.Hisui(HisuiTool(binary)).inspect(media)


def test_a_missing_binary_is_unsupported(tmp_path):
    with pytest.raises(HisuiUnavailable, match="hisui not found at"):
        find_hisui(tmp_path / "nowhere")


def test_hisui_is_given_none_of_the_users_hisui_settings(tmp_path, media, monkeypatch):
    monkeypatch.setenv("HISUI_LAYOUT_FILE_PATH", "/somewhere/layout.jsonc")
    hisui = stub_hisui(tmp_path, '[ -n "$HISUI_LAYOUT_FILE_PATH" ] && echo "Error: layout from the user" >&2; exit 0')
    assert hisui.inspect(media).run.errors == []


def test_a_flood_on_stderr_is_read_head_and_tail(tmp_path, media):
    hisui = stub_hisui(tmp_path, 'head -c 5000000 /dev/zero | tr "\\0" "x" >&2; echo >&2; '
                                 'echo "1.0 [ERROR] hisui::scheduler - the last word" >&2')
    assert hisui.inspect(media).run.errors == ["the last word"]


def test_a_listing_above_the_limit_is_not_parsed(tmp_path, media, monkeypatch):
    monkeypatch.setattr(runner, "JSON_LIMIT", 1000)
    hisui = stub_hisui(tmp_path, "printf '{\"video_codec\": \"VP8\", \"pad\": \"%02000d\"}' 0")
    assert hisui.inspect(media).summary == {}


def test_inspects_summary_leaves_out_the_per_sample_lists(tmp_path, media):
    listing = {"video_codec": "VP8", "video_sample_count": 2, "video_samples": [{}, {}]}
    hisui = stub_hisui(tmp_path, f"echo '{json.dumps(listing)}'")
    assert hisui.inspect(media).summary == {"video_codec": "VP8", "video_sample_count": 2}


def test_compose_writes_into_its_work_directory_never_the_recordings(tmp_path):
    recording = tmp_path / "REC"
    recording.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    hisui = stub_hisui(tmp_path, 'echo "$@" > ' + str(tmp_path / "args"))
    hisui.compose(recording, work)
    args = (tmp_path / "args").read_text().split()
    assert args[:2] == ["compose", "-P"] and args[args.index("-o") + 1] == str(work / "output.mp4")
    assert args[-1] == str(recording) and "-l" not in args  # hisui's default layout
    assert list(recording.iterdir()) == []
