"""Archive files judged by their container: the WebM Sora wrote passes, FFmpeg's does not, and each variant
breaks the one rule (clause, rule id of recording-files.md) it is built to break."""
import os
import time

import pytest

from sora_conformance.contract.containers import FINALISED, MP4_SHAPE, WEBM_SHAPE, check_media

from .media_builders import (SoraWebm, audio_track, block, block_group, cluster, ffmpeg_file, leaf, master, media, sora_like_mp4,
                             video_track)

SORA = "WebRTC SFU Sora"


def findings(path):
    return sorted({(f.clause, f.rule) for f in check_media(path).findings})


def test_the_webm_sora_wrote_has_soras_shape_and_is_finalised(real):
    report = check_media(real / "hisui" / "archive-black-silent.webm")
    assert report.findings == []
    assert report.tracks == {1: "V_VP8", 2: "A_OPUS"}
    assert report.stated_duration == pytest.approx(2.901) and report.span == pytest.approx(2.901, abs=0.05)


def test_a_webm_built_as_sora_writes_one_passes(tmp_path):
    assert findings(SoraWebm().write(tmp_path / "a.webm")) == []


def test_an_audio_only_webm_with_audio_as_track_2_passes(tmp_path):
    audio_only = SoraWebm(tracks=[audio_track(2)], clusters=[cluster(0, *media(1.0, 2))])
    assert findings(audio_only.write(tmp_path / "a.webm")) == []


def test_a_webm_ffmpeg_wrote_fails_the_shape_on_its_muxing_app(tmp_path):
    report = check_media(ffmpeg_file(tmp_path / "lavf.webm"))
    assert (WEBM_SHAPE, "W4") in {(f.clause, f.rule) for f in report.findings}
    assert any('found "Lavf' in f.message for f in report.findings)
    assert FINALISED not in report.clauses()


def _replace(part, index, value):
    def change(webm):
        getattr(webm, part)[index] = value
    return change


WEBM_VARIANTS = {
    "doctypeversion-2": (_replace("header", 5, leaf("DocTypeVersion", 2)), WEBM_SHAPE, "W1"),
    "ebml-header-extra-void": (lambda w: w.header.append(leaf("Void", b"\0")), WEBM_SHAPE, "W1"),
    "muxing-app-lavf": (_replace("info", 1, leaf("MuxingApp", "Lavf62.12.102")), WEBM_SHAPE, "W4"),
    "duration-first-in-info": (lambda w: w.info.insert(0, leaf("Duration", 1.0)), WEBM_SHAPE, "W4"),
    "timestamp-scale-1000": (_replace("info", 0, leaf("TimecodeScale", 1000)), WEBM_SHAPE, "W4"),
    "tags-between-info-and-tracks": (lambda w: w.after_info.append(master("Tags")), WEBM_SHAPE, "W5"),
    "tracknumber-not-first": (_replace("tracks", 0, master("TrackEntry", leaf("CodecID", "V_VP8"),
                                                           leaf("TrackNumber", 1))), WEBM_SHAPE, "W6"),
    "audio-only-as-track-1": (lambda w: setattr(w, "tracks", [audio_track(1)]), WEBM_SHAPE, "W8"),
    "tracks-swapped": (lambda w: setattr(w, "tracks", [audio_track(1), video_track(2)]), WEBM_SHAPE, "W7"),
    "audio-not-opus": (_replace("tracks", 1, audio_track(2, "A_VORBIS")), WEBM_SHAPE, "W8"),
    "opus-without-opushead": (_replace("tracks", 1, audio_track(2, opus_head=False)), WEBM_SHAPE, "W8"),
    "two-byte-track-number": (_replace("clusters", 1, cluster(1000, block(1, 0, track_bytes=b"\x40\x01"))),
                              WEBM_SHAPE, "W9"),
    "position-first-in-cluster": (_replace("clusters", 1, master("Cluster", leaf("Position", 0),
                                                                 leaf("Timecode", 1000))), WEBM_SHAPE, "W11"),
    "blockgroup-in-cluster": (_replace("clusters", 1, cluster(1000, block_group(2, 0))),
                              WEBM_SHAPE, "W12"),
    "void-in-cluster": (_replace("clusters", 1, cluster(1000, leaf("Void", b"\0\0"))), WEBM_SHAPE, "W12"),
    "tags-after-clusters": (lambda w: w.after_clusters.insert(0, master("Tags")), WEBM_SHAPE, "W12"),
    "laced-block": (_replace("clusters", 1, cluster(1000, block(2, 0, flags=0x02))), WEBM_SHAPE, "W13"),
    "unknown-size-segment": (lambda w: setattr(w, "segment_unknown_size", True), FINALISED, "W2"),
    "unknown-size-cluster": (_replace("clusters", 1, cluster(1000, *media(0.1, 1, 2), unknown_size=True)),
                             FINALISED, "W11"),
    "no-cues": (lambda w: w.after_clusters.clear(), FINALISED, "W14"),
}


@pytest.mark.parametrize("variant", sorted(WEBM_VARIANTS))
def test_a_webm_variant_breaks_its_rule(tmp_path, variant):
    change, clause, rule = WEBM_VARIANTS[variant]
    webm = SoraWebm()
    change(webm)
    assert (clause, rule) in findings(webm.write(tmp_path / "v.webm"))


def test_tags_after_cues_are_never_read_and_pass(tmp_path):
    webm = SoraWebm()
    webm.after_clusters.append(master("Tags"))
    assert findings(webm.write(tmp_path / "a.webm")) == []


@pytest.mark.parametrize("kind", ["webm-built", "webm-ffmpeg", "mp4"])
def test_a_file_cut_off_mid_write_is_not_finalised(tmp_path, kind):
    whole = {"webm-built": lambda p: SoraWebm().write(p), "webm-ffmpeg": ffmpeg_file,
             "mp4": sora_like_mp4}[kind](tmp_path / f"whole.{kind[:4]}")
    cut = tmp_path / f"cut.{kind[:4]}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert FINALISED in check_media(cut).clauses()


def test_an_mp4_shaped_as_sora_would_write_it_passes(tmp_path):
    report = check_media(sora_like_mp4(tmp_path / "a.mp4"))
    assert report.findings == [] and report.tracks == {1: "avc1", 2: "Opus"}
    assert report.span == pytest.approx(1.0, abs=0.1)


MP4_VARIANTS = {
    "fragmented": ({"options": {"movflags": "frag_keyframe+empty_moov"}}, MP4_SHAPE, "M3"),
    "sps-pps-only-in-avcc": ({"video_options": {"x264-params": "bframes=0"}}, MP4_SHAPE, "M10"),
    "composition-offsets": ({"video_options": {"x264-params": "repeat-headers=1:bframes=2"}}, MP4_SHAPE, "M7"),
    "aac-audio": ({"audio": "aac"}, MP4_SHAPE, "M6"),
}


@pytest.mark.parametrize("variant", sorted(MP4_VARIANTS))
def test_an_mp4_variant_breaks_its_rule(tmp_path, variant):
    changes, clause, rule = MP4_VARIANTS[variant]
    assert (clause, rule) in findings(sora_like_mp4(tmp_path / "v.mp4", **changes))


def test_an_mp4_without_moov_is_not_finalised(tmp_path):
    whole = sora_like_mp4(tmp_path / "whole.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole[: whole.rindex(b"moov") - 4])  # FFmpeg writes moov last: a crash leaves none
    assert (FINALISED, "M1") in findings(cut)


HOSTILE = {
    "empty": b"",
    "random": os.urandom(4096),
    "ebml-header-only": leaf("EBMLVersion", 1),
    "huge-declared-sizes": master("EBML") + b"\x18\x53\x80\x67\x01\x00\x00\x00\x00\xff\xff\xff" + b"\0" * 64,
    "id-too-long": b"\x08\x00\x00\x00\x00\x81\x00",
    "cluster-of-voids": SoraWebm(clusters=[cluster(0, *[leaf("Void", b"") for _ in range(20000)])]).encode(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("suffix", [".webm", ".mp4"])
def test_a_hostile_file_gives_findings_never_an_exception(tmp_path, name, suffix):
    path = tmp_path / f"hostile{suffix}"
    path.write_bytes(HOSTILE[name])
    started = time.monotonic()
    report = check_media(path)
    assert report.findings and time.monotonic() - started < 5
    assert len(report.findings) <= 20 and all(len(str(f)) < 400 for f in report.findings)


def test_a_file_that_is_not_webm_or_mp4_is_not_judged_as_either(tmp_path):
    path = tmp_path / "archive-x.mkv"
    path.write_bytes(SoraWebm().encode())
    assert check_media(path).kind == "unknown" and check_media(path).findings


def test_a_file_that_cannot_be_read_is_an_error_not_a_finding(tmp_path):
    unreadable = tmp_path / "archive-x.webm"
    unreadable.mkdir()
    report = check_media(unreadable)
    assert report.error and not report.findings
