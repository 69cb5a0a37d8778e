"""A file cut off mid-write can decode its first part without any error: what decoded is compared with the
interval the file states (its JSON's, else its container's), so a cut file never passes MEDIA-OWN-CONTENT."""
import pytest

from sora_conformance.harness.media import RecordedFile
from sora_conformance.media.content import Interval, read_media, shortfall, stated_interval

from .media_builders import ffmpeg_file

TWO_SECONDS = {"start_timestamp": "2026-12-01T00:00:00.000+00:00", "stop_timestamp": "2026-12-01T00:00:02.000+00:00"}


@pytest.fixture
def whole(tmp_path):
    return ffmpeg_file(tmp_path / "whole.webm", seconds=2.0)


@pytest.fixture
def cut(tmp_path, whole):
    path = tmp_path / "cut.webm"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return path


def test_a_cut_webm_decodes_its_first_part_without_an_error_but_is_cut_short(cut):
    content = read_media(cut)
    assert content.error is None and 0 < len(content.colours) < 20  # the false pass of issue 19
    assert "missing, as in a file cut off mid-write" in RecordedFile(TWO_SECONDS, content).cut_short()


def test_without_an_interval_in_its_json_the_container_duration_is_what_the_file_states(cut):
    assert RecordedFile({}, read_media(cut)).cut_short() is not None


def test_a_whole_file_is_not_cut_short(whole):
    assert RecordedFile(TWO_SECONDS, read_media(whole)).cut_short() is None
    assert RecordedFile({}, read_media(whole)).cut_short() is None


@pytest.mark.parametrize("span, interval, cut", [
    (0.5, Interval(0, 1.2, 0.001), True),   # more than 0.4 s missing
    (0.85, Interval(0, 1.2, 0.001), False),  # a late first key frame explains 0.35 s
    (1.0, Interval(0, 2, 1.0), False),  # whole-second offsets: 1 s of rounding
    (40.0, Interval(0, 60, 0.001), True),  # a third of a long file
    (55.0, Interval(0, 60, 0.001), False),  # less than a fifth
])
def test_shortfall_allows_the_tolerance_the_resolution_and_a_fifth_of_the_interval(span, interval, cut):
    assert (shortfall(span, interval) is not None) is cut


def test_the_stated_interval_prefers_timestamps_to_whole_second_offsets():
    assert stated_interval(TWO_SECONDS | {"start_time_offset": 0, "stop_time_offset": 3}).seconds == 2.0
    assert stated_interval({"start_time_offset": 1, "stop_time_offset": 3}) == Interval(1.0, 3.0, 1.0)
    assert stated_interval({"start_time_offset": True, "stop_time_offset": 3}) is None
    assert stated_interval("not an object") is None
