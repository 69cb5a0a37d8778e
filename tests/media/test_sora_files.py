"""The emulator's media files have the shape of Sora's own, the one Shiguredo's hisui reads (reference
recording-files.md), for single files, split pieces, audio-only files and MP4: the product's container checks
(`check_media`) find nothing in them, and each container fault breaks exactly its rule. hisui, found and run as
the product finds and runs it, reads, decodes and composes them."""
import pytest

from sora_conformance.composing.runner import Hisui
from sora_conformance.composing.tools import locate
from sora_conformance.contract.containers import FINALISED, MP4_SHAPE, WEBM_SHAPE, check_media
from sora_emulator.faults import ActiveFaults
from sora_emulator.files import Disk
from sora_emulator.media.writer import ArchiveMedia, Layout
from sora_emulator.params import UNSET, RecordingParams
from sora_emulator.recorder import Recorder
from sora_emulator.state import Archive, Connection, Recording

from .conftest import FakeClock, audio, feed
from .file_shapes import sora_extras


@pytest.fixture(scope="module")
def hisui() -> Hisui:
    return Hisui(locate())


def broken(path) -> set[tuple[str, str]]:
    """The clauses and rules the product's container checks find broken in one media file."""
    report = check_media(path)
    assert report.error is None, report.error
    return {(finding.clause, finding.rule) for finding in report.findings}


def recorded(tmp_path, sig, fmt="webm", faults=()):
    """2.3 s of `sig` as one connection's single archive and 1 s split pieces, and 1 s of an audio-only
    connection: every kind of media file the emulator writes."""
    clock = FakeClock()
    changes = ActiveFaults(faults).media()
    media = ArchiveMedia(tmp_path, [Layout(lambda i: f"split-archive-C_{i:04d}", 1.0), Layout(lambda _: "archive-C")],
                         clock(), True, True, clock, fmt, changes)
    feed(media, clock, 2.3, sig)
    media.close(clock())
    voice = ArchiveMedia(tmp_path, [Layout(lambda _: "archive-A")], clock(), False, True, clock, fmt, changes)
    for _ in range(50):
        voice.write("audio", audio(sig.tone_hz))
        clock.now += 0.02
    voice.close(clock())
    files = sorted(tmp_path.glob(f"*.{fmt}"))
    assert [f.name for f in files] == [f"archive-A.{fmt}", f"archive-C.{fmt}"] + [
        f"split-archive-C_000{i}.{fmt}" for i in (1, 2, 3)]
    return files


def test_the_extras_hold_on_a_webm_sora_wrote(real):
    assert sora_extras(real / "hisui" / "archive-black-silent.webm") == []


def test_webm_files_have_sora_container_shape_and_are_finalised(tmp_path, red):
    for path in recorded(tmp_path, red):
        assert [str(finding) for finding in check_media(path).findings] == [], path.name
        assert sora_extras(path) == [], path.name


def test_an_audio_only_webm_keeps_audio_as_track_2(tmp_path, red):
    assert check_media(recorded(tmp_path, red)[0]).tracks == {2: "A_OPUS"}


def test_mp4_files_are_whole_with_opus_and_parameter_sets_in_band(tmp_path, red):
    for path in recorded(tmp_path, red, "mp4"):
        assert [str(finding) for finding in check_media(path).findings] == [], path.name


@pytest.mark.parametrize(("fault", "fmt", "rules"), [
    ("webm-blockgroup", "webm", {(WEBM_SHAPE, "W12")}),
    ("webm-audio-track-1", "webm", {(WEBM_SHAPE, "W7"), (WEBM_SHAPE, "W8")}),
    ("mp4-fragmented", "mp4", {(MP4_SHAPE, "M3")}),
    ("mp4-parameter-sets-out-of-band", "mp4", {(MP4_SHAPE, "M10")}),
])
def test_a_container_fault_breaks_exactly_its_rule(tmp_path, red, fault, fmt, rules):
    single = recorded(tmp_path, red, fmt, [fault])[1]
    assert broken(single) == rules
    assert fmt == "mp4" or sora_extras(single) == []


def test_webm_ffmpeg_container_is_ffmpegs_shape_around_the_same_media(tmp_path, red):
    voice, single, *_ = recorded(tmp_path, red, "webm", ["webm-ffmpeg-container"])
    assert {(WEBM_SHAPE, "W4"), (WEBM_SHAPE, "W12")} <= broken(single)
    assert {"Tags (Sora writes none)", "no SegmentUUID (Sora writes one)"} <= set(sora_extras(single))
    assert (WEBM_SHAPE, "W8") in broken(voice)
    # FFmpeg finalises its files: Cues after the Clusters
    assert FINALISED not in {clause for clause, _ in broken(single) | broken(voice)}


def test_webm_no_cues_leaves_files_not_finalised_in_sora_shape_otherwise(tmp_path, red):
    for path in recorded(tmp_path, red, "webm", ["webm-no-cues"]):
        assert broken(path) == {(FINALISED, "W14")}, path.name
        assert sora_extras(path) == [], path.name


@pytest.mark.parametrize("fmt", ["webm", "mp4"])
def test_hisui_reads_and_decodes_every_file(tmp_path, red, hisui, fmt):
    if fmt == "mp4" and hisui.tool.openh264 is None:
        pytest.skip("hisui decodes H.264 only with OpenH264 (Debian's libopenh264-7: make openh264)")
    for path in recorded(tmp_path, red, fmt):
        run = hisui.inspect(path).run
        assert not run.refused, f"{path.name}: {run.errors}"


def composed_seconds(tmp_path, sig, hisui, faults=(), seconds=3.3, fmt="webm"):
    """hisui composes a split-only recording (1 s pieces) of one connection recorded for `seconds`; the
    composed audio and video durations."""
    clock = FakeClock()
    connection = Connection("CID", "c", "SID", "sendonly", "CID", "CID", True, True, False, clock(), connected=True)
    rec = Recording("RID", "c", "SID", RecordingParams("c", None, True, 1, UNSET, format=fmt), clock())
    archive = Archive(connection, clock())
    recorder = Recorder(tmp_path, Disk(ActiveFaults(faults).file), media_changes=ActiveFaults(faults).media())
    media = recorder.media_writer(rec, archive, clock)
    feed(media, clock, seconds, sig)
    archive.stop_time = clock()
    recorder.finalise_archive(rec, archive, media)
    (tmp_path / "composed").mkdir()
    composition = hisui.compose(tmp_path / "RID", tmp_path / "composed")
    assert not composition.run.refused, composition.run.errors
    return composition.summary["output_audio_duration_seconds"], composition.summary["output_video_duration_seconds"]


def test_hisui_composes_every_split_piece(tmp_path, red, hisui):
    """Each piece's stop_time_offset is the next one's start: hisui keeps them all."""
    assert all(abs(seconds - 3.3) < 0.33 for seconds in composed_seconds(tmp_path, red, hisui))


@pytest.mark.parametrize("fmt", ["webm", "mp4"])
def test_a_long_split_recording_composes_to_its_length(tmp_path, red, hisui, fmt):
    """No piece carries audio past its interval (the encoder's flushed lookahead, a whole 20 ms packet to a
    reader): over 12 pieces that would add a quarter of a second."""
    if fmt == "mp4" and hisui.tool.openh264 is None:
        pytest.skip("hisui decodes H.264 only with OpenH264 (Debian's libopenh264-7: make openh264)")
    assert all(abs(seconds - 12) < 0.05 for seconds in composed_seconds(tmp_path, red, hisui, seconds=12, fmt=fmt))


def test_split_offsets_overlap_makes_hisui_drop_pieces(tmp_path, red, hisui):
    assert all(seconds < 2.5 for seconds in composed_seconds(tmp_path, red, hisui, ["split-offsets-overlap"]))
