"""Split recording: split_only needs split_duration, may take expire_time, and writes only split files."""
import pytest

START = "Sora_20231220.StartRecording"


@pytest.mark.clause("SPLIT-ONLY-NEEDS-DURATION")
def test_split_only_without_split_duration_is_refused(sora):
    channel = sora.new_channel()
    sora.connect(channel)
    sora.recording_channels.add(channel)
    answer = sora.call(START, {"channel_id": channel, "split_only": True})
    sora.refused(answer, "SPLIT-ONLY-NEEDS-DURATION", "split_only without split_duration")


@pytest.mark.clause("SPLIT-DURATION-RANGE")
@pytest.mark.parametrize("value", [0, "too-large"], ids=["zero", "above-maximum"])
def test_split_duration_out_of_range_is_refused(sora, value):
    channel = sora.new_channel()
    sora.connect(channel)
    sora.recording_channels.add(channel)
    duration = sora.profile.max_split_duration + 1 if value == "too-large" else value
    answer = sora.call(START, {"channel_id": channel, "split_only": True, "split_duration": duration})
    sora.refused(answer, "SPLIT-DURATION-RANGE", f"split_duration {duration}")


@pytest.mark.clause("EXPIRE-WITH-SPLIT-ONLY")
def test_split_only_accepts_expire_time(sora):
    channel = sora.new_channel()
    sora.connect(channel)
    answer = sora.call(START, {"channel_id": channel, "split_only": True, "split_duration": 1, "expire_time": 3600})
    sora.recording_channels.add(channel)
    sora.check("EXPIRE-WITH-SPLIT-ONLY", answer.ok, "split_only with expire_time was refused", "2xx",
               {"status": answer.status, "body": answer.response})
    started = sora.wait("recording.started", channel, "EXPIRE-WITH-SPLIT-ONLY", endpoint="session")
    sora.check("EXPIRE-WITH-SPLIT-ONLY", started.data().get("expire_time") == 3600,
               "recording.started lost the expire_time", "expire_time 3600", started.data().get("expire_time"))


@pytest.mark.clause("EXPIRE-WITH-SPLIT-ONLY")
def test_split_only_recording_at_creation_accepts_expire_time(sora):
    rec = sora.recording("EXPIRE-WITH-SPLIT-ONLY", via="session.created", split_only=True, split_duration=1,
                         expire_time=3600)
    sora.check("EXPIRE-WITH-SPLIT-ONLY", rec.started.data().get("split_only") is True,
               "recording.started does not say split_only", True, rec.started.data().get("split_only"))


@pytest.mark.clause("OUT-SPLIT-ONLY")
def test_split_only_writes_only_split_files(sora):
    rec = sora.recording("OUT-SPLIT-ONLY", split_only=True, split_duration=1)
    sora.stop_recording(rec.channel)
    sora.report_webhook(rec, "OUT-SPLIT-ONLY")
    directory = sora.recording_dir(rec.recording_id)
    cid = rec.client.connection_id
    names = sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []
    sora.check("OUT-SPLIT-ONLY", f"split-archive-{cid}_0001.json" in names, "no split file was written",
               f"split-archive-{cid}_0001.json", names)
    sora.check("OUT-SPLIT-ONLY", f"split-archive-end-{cid}.json" in names, "no split-archive-end file",
               f"split-archive-end-{cid}.json", names)
    singles = [n for n in names if n.startswith(f"archive-{cid}")]
    sora.check("OUT-SPLIT-ONLY", not singles, "split_only also wrote the single archive", "no archive-<cid>.*",
               singles)
