"""Recording files judged by their container: every media file a recording leaves is finalised and has the shape
Sora writes and Shiguredo's readers (hisui, sora-archive-compositor) require (sora_conformance/contract/containers,
rules W1-W14 and M1-M10 of recording-files.md). Single and split files, an audio-only connection's too (its audio
is track 2 all the same). Finalisation is judged first: a cut file's shape says little.
"""
import pytest

RECORD = 0.3  # seconds: every track gets blocks; the shape does not depend on the length
each_layout = pytest.mark.parametrize("layout", [{}, {"split_only": True, "split_duration": 1}], ids=["single", "split"])


@pytest.mark.clause("FILE-FINALISED", "FILE-WEBM-SHAPE")
@each_layout
def test_webm_archives_are_finalised_in_the_shape_sora_writes(sora, layout):
    rec = sora.recording(**layout)
    audio_only = sora.join(rec, video=False)
    sora.record_for(RECORD)
    sora.stop_and_report(rec)
    files = sora.files.containers(rec)
    for client in (rec.client, audio_only):
        mine = [name for name in files if client.connection_id in name]
        sora.check(bool(mine), f"connection {client.connection_id} has no media file", "its archive media files",
                   sorted(files))
    sora.check_containers(files, "webm", "FILE-FINALISED", "FILE-WEBM-SHAPE")


@pytest.mark.clause("FILE-FINALISED", "FILE-MP4-SHAPE")
@each_layout
def test_mp4_archives_are_finalised_in_the_shape_shiguredos_readers_take(sora, layout):
    rec = sora.recording(format="mp4", **layout)
    sora.record_for(RECORD)
    sora.stop_and_report(rec)
    files = sora.files.containers(rec)
    sora.check(any(rec.client.connection_id in name for name in files), "the connection has no media file",
               "its archive media files", sorted(files))
    sora.check_containers(files, "mp4", "FILE-FINALISED", "FILE-MP4-SHAPE")
