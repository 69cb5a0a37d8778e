"""What a recording writes: MP4 when asked (format), and both single and split files with dual output."""
import pytest

MP4_CONTAINER = "mp4"  # PyAV names the demuxer "mov,mp4,m4a,3gp,3g2,mj2"


@pytest.mark.clause("OUT-FORMAT-MP4")
@pytest.mark.needs("archive_dir")
def test_format_mp4_writes_mp4_archives(sora):
    rec = sora.recording(format="mp4")
    sora.stop_and_report(rec)
    cid = rec.client.connection_id
    names = sora.files.names(rec)
    sora.check(f"archive-{cid}.mp4" in names, "no .mp4 archive was written", f"archive-{cid}.mp4", names)
    container = sora.files.container(rec, f"archive-{cid}.mp4")
    sora.check(MP4_CONTAINER in container.split(","), "the .mp4 archive is not an MP4 container", "an MP4 container",
               container or "not readable as media")
    described = sora.files.archives(rec).get(f"archive-{cid}.json", {})
    sora.check(described.get("format") == "mp4", "the archive JSON does not say format mp4", "format mp4",
               described.get("format"))


@pytest.mark.clause("OUT-FORMAT-MP4")
def test_format_mp4_is_reported_in_archive_available(sora):
    rec = sora.recording(format="mp4")
    sora.stop_recording(rec.channel)
    available = sora.wait("archive.available", rec.channel,
                          match=lambda r: r.data().get("connection_id") == rec.client.connection_id)
    filename = str(available.data().get("filename", ""))
    sora.check(filename.endswith(".mp4"), "archive.available names no .mp4 file", "archive-<connection_id>.mp4",
               filename)


@pytest.mark.clause("OUT-FORMAT-MP4")
@pytest.mark.needs("archive_dir")
def test_without_format_archives_are_webm(sora):
    rec = sora.recording()
    sora.stop_and_report(rec)
    cid = rec.client.connection_id
    container = sora.files.container(rec, f"archive-{cid}.webm")
    sora.check("webm" in container.split(","), "the default archive is not WebM", "a WebM container",
               container or "not readable as media")


@pytest.mark.clause("OUT-DUAL")
@pytest.mark.needs("archive_dir")
def test_dual_output_writes_single_and_split_files(sora):
    rec = sora.recording(split_duration=1)
    sora.stop_and_report(rec)
    cid = rec.client.connection_id
    names = sora.files.names(rec)
    wanted = [f"archive-{cid}.json", f"split-archive-{cid}_0001.json", f"split-archive-end-{cid}.json"]
    missing = [name for name in wanted if name not in names]
    sora.check(not missing, "dual output did not write both kinds of file", wanted, names)


@pytest.mark.clause("OUT-DUAL")
def test_dual_output_sends_single_and_split_webhooks(sora):
    rec = sora.recording(split_duration=1)
    sora.stop_recording(rec.channel)
    mine = lambda r: r.data().get("connection_id") == rec.client.connection_id  # noqa: E731
    sora.wait("archive.available", rec.channel, match=mine)
    sora.wait("split-archive.end", rec.channel, match=mine)
