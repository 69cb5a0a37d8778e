"""The real hisui (PyPI 2026.1.0.dev0) through the runner and the FILES-COMPOSE judgement: Sora's own WebM composes;
what hisui refuses, cannot decode or silently drops is a finding with hisui's words."""
import fractions
from pathlib import Path

import av
import numpy as np
import pytest

from sora_conformance.composing.check import check_recording
from sora_conformance.composing.runner import Hisui
from sora_conformance.composing.tools import HisuiTool, HisuiUnavailable

from .conftest import recording


def titles(result) -> list[str]:
    return [f.title for f in result.findings]


def test_sora_own_webm_reads_and_decodes(hisui, real_sora_webm):
    inspection = hisui.inspect(real_sora_webm)
    assert not inspection.run.refused
    assert inspection.summary["video_codec"] == "VP8" and inspection.summary["audio_codec"] == "OPUS"


def test_a_two_connection_recording_of_sora_webms_composes(hisui, real_sora_webm, tmp_path):
    directory = recording(tmp_path / "REC", real_sora_webm, {"archive-AAA": (0, 3), "archive-BBB": (0, 3)})
    result = check_recording(hisui, directory)
    assert titles(result) == []
    assert result.composition is not None and result.composition.output_seconds == pytest.approx(2.92, abs=0.05)
    assert len(result.inspections) == 2


def test_contiguous_split_pieces_compose_back_to_back(hisui, real_sora_webm, tmp_path):
    pieces = {"split-archive-AAA_0001": (0, 3), "split-archive-AAA_0002": (3, 6)}
    assert titles(check_recording(hisui, recording(tmp_path / "REC", real_sora_webm, pieces))) == []


def test_a_piece_overlapping_the_previous_one_is_dropped_by_hisui_and_named(hisui, real_sora_webm, tmp_path):
    pieces = {"split-archive-AAA_0001": (0, 3), "split-archive-AAA_0002": (2, 6)}
    found = titles(check_recording(hisui, recording(tmp_path / "REC", real_sora_webm, pieces)))
    assert "hisui composed connection AAA without split-archive-AAA_0002.webm" in found
    assert any(t.startswith("connection AAA: hisui composed 2.92 s of it") for t in found)


def test_dual_output_is_composed_from_the_single_archive(hisui, real_sora_webm, tmp_path):
    files = {"archive-AAA": (0, 3), "split-archive-AAA_0001": (0, 2), "split-archive-AAA_0002": (2, 3)}
    assert titles(check_recording(hisui, recording(tmp_path / "REC", real_sora_webm, files))) == []


def test_a_file_cut_off_mid_write_is_refused(hisui, real_sora_webm, tmp_path):
    directory = recording(tmp_path / "REC", real_sora_webm, {"archive-AAA": (0, 3)})
    media = directory / "archive-AAA.webm"
    media.write_bytes(media.read_bytes()[:1000])
    found = titles(check_recording(hisui, directory))
    assert "hisui inspect --decode archive-AAA.webm: failed to fill whole buffer" in found
    assert any(t.startswith("hisui compose refused REC") for t in found)


def test_ffmpegs_webm_is_refused_in_hisuis_words(hisui, tmp_path):
    inspection = hisui.inspect(write_media(tmp_path / "lavf.webm", "libvpx"))
    assert inspection.run.returncode == 1
    assert inspection.run.errors == ["expected WebM element (ID=0x4287) value 4, but got 2"]  # DocTypeVersion


def test_h264_without_openh264_is_unsupported_not_failed(hisui, tmp_path):
    media = write_media(tmp_path / "a.mp4", "libx264", inband=True)
    with pytest.raises(HisuiUnavailable, match="no H264 decoder here: install Debian's libopenh264-7"):
        Hisui(HisuiTool(hisui.tool.binary, None)).inspect(media)


def test_h264_with_parameter_sets_in_band_composes(hisui, openh264, tmp_path):
    media = write_media(tmp_path / "a.mp4", "libx264", inband=True)
    directory = recording(tmp_path / "REC", media, {"archive-AAA": (0, 1)}, fmt="mp4")
    assert titles(check_recording(Hisui(HisuiTool(hisui.tool.binary, openh264)), directory)) == []


def test_h264_with_parameter_sets_only_in_avcc_cannot_be_decoded_by_this_hisui(hisui, openh264, tmp_path):
    media = write_media(tmp_path / "a.mp4", "libx264", inband=False)
    inspection = Hisui(HisuiTool(hisui.tool.binary, openh264)).inspect(media)
    assert inspection.run.returncode == 0  # inspect exits 0 on a decode error: the finding is its [ERROR] line
    assert inspection.run.errors == ["ISVCDecoder.DecodeFrameNoDelay() failed: code=16"]


def write_media(path: Path, codec: str, inband: bool = False) -> Path:
    """1.2 s of 160x120 video at 10 fps, as FFmpeg writes it (PyAV)."""
    with av.open(str(path), "w") as out:
        video = out.add_stream(codec, rate=10)
        video.width, video.height, video.pix_fmt = 160, 120, "yuv420p"
        if codec == "libx264":
            video.options = {"preset": "ultrafast", "tune": "zerolatency"} | (
                {"x264-params": "repeat-headers=1"} if inband else {})
        for i in range(12):
            frame = av.VideoFrame.from_ndarray(np.full((120, 160, 3), i * 20, np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, fractions.Fraction(1, 10)
            out.mux(video.encode(frame))
        out.mux(video.encode())
    return path
