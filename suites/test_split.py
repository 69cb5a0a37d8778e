"""Split recording: split_only needs split_duration, may take expire_time, and writes only split files."""
import pytest

START = "Sora_20231220.StartRecording"


@pytest.mark.clause("SPLIT-ONLY-NEEDS-DURATION")
def test_split_only_without_split_duration_is_refused(sora):
    channel, _ = sora.live_channel()
    sora.expect_refused(START, {"channel_id": channel, "split_only": True}, "split_only without split_duration")


@pytest.mark.clause("SPLIT-DURATION-RANGE")
@pytest.mark.parametrize("value", [0, "too-large"], ids=["zero", "above-maximum"])
def test_split_duration_out_of_range_is_refused(sora, value):
    channel, _ = sora.live_channel()
    duration = sora.profile.recording_max_split_duration + 1 if value == "too-large" else value
    sora.expect_refused(START, {"channel_id": channel, "split_only": True, "split_duration": duration},
                        f"split_duration {duration}")


@pytest.mark.clause("EXPIRE-WITH-SPLIT-ONLY")
def test_split_only_accepts_expire_time(sora):
    channel, _ = sora.live_channel()
    sora.expect_accepted(START, {"channel_id": channel, "split_only": True, "split_duration": 1, "expire_time": 3600},
                         "split_only with expire_time")
    started = sora.wait("recording.started", channel, endpoint="session")
    sora.check_value(started.data(), "expire_time", 3600, "recording.started lost the expire_time")


@pytest.mark.clause("EXPIRE-WITH-SPLIT-ONLY")
def test_split_only_recording_at_creation_accepts_expire_time(sora):
    rec = sora.recording(via="session.created", split_only=True, split_duration=1, expire_time=3600)
    sora.check(rec.started.data().get("split_only") is True, "recording.started does not say split_only", True,
               rec.started.data().get("split_only"))


@pytest.mark.clause("OUT-SPLIT-ONLY")
def test_split_only_writes_only_split_files(sora):
    rec = sora.finished_recording(split_only=True, split_duration=1)
    names = sora.files.names(rec)
    cid = rec.client.connection_id
    sora.check(f"split-archive-{cid}_0001.json" in names, "no split file was written",
               f"split-archive-{cid}_0001.json", names)
    sora.check(f"split-archive-end-{cid}.json" in names, "no split-archive-end file", f"split-archive-end-{cid}.json",
               names)
    singles = [n for n in names if n.startswith(f"archive-{cid}")]
    sora.check(not singles, "split_only also wrote the single archive", "no archive-<cid>.*", singles)
