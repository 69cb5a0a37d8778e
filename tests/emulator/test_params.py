"""Recording parameter rules of the 20231220 API, the session.created answer and the legacy API."""
import pytest

from sora_emulator.errors import ApiError
from sora_emulator.faults import ActiveFaults
from sora_emulator.params import UNSET, RecordingRules, legacy_recording_params, session_recording_params

SORA = RecordingRules(86400, 86400)


def session(body, rules=SORA, prefix=""):
    return session_recording_params(body, rules, prefix=prefix)


def test_expire_time_is_optional():
    assert session({"channel_id": "c"}).expire_time is None


@pytest.mark.parametrize("value", [0, -1, 86401, 1.5, "60", True])
def test_expire_time_outside_1_to_max_is_refused(value):
    with pytest.raises(ApiError):
        session({"channel_id": "c", "expire_time": value})


def test_split_only_needs_split_duration_but_not_expire_time_zero():
    with pytest.raises(ApiError):
        session({"channel_id": "c", "split_only": True})
    p = session({"channel_id": "c", "split_only": True, "split_duration": 5, "expire_time": 60})
    assert p.split_only and p.expire_time == 60


@pytest.mark.parametrize("metadata", ["x", [1], 3, None])
def test_metadata_must_be_an_object(metadata):
    with pytest.raises(ApiError):
        session({"channel_id": "c", "metadata": metadata})


def test_metadata_left_out_stays_unset():
    assert session({"channel_id": "c"}).metadata is UNSET


def test_session_created_answer_uses_recording_prefixed_keys():
    p = session({"recording_expire_time": 30, "recording_metadata": {"a": 1}}, prefix="recording_")
    assert p.expire_time == 30 and p.metadata == {"a": 1}


def test_legacy_requires_expire_time_and_accepts_zero():
    with pytest.raises(ApiError):
        legacy_recording_params({"channel_id": "c"}, SORA)
    assert legacy_recording_params({"channel_id": "c", "expire_time": 0}, SORA).expire_time == 0


def test_legacy_split_only_needs_expire_time_zero():
    with pytest.raises(ApiError):
        legacy_recording_params({"channel_id": "c", "expire_time": 60, "split_only": True, "split_duration": 5},
                                SORA)


def test_a_fault_relaxes_exactly_its_rule():
    relaxed = ActiveFaults(["expire-zero-accepted"]).rules(SORA)
    assert session({"channel_id": "c", "expire_time": 0}, relaxed).expire_time == 0
    with pytest.raises(ApiError):
        session({"channel_id": "c", "expire_time": 86401}, relaxed)
    with pytest.raises(ApiError):
        session({"channel_id": "c", "expire_time": -1}, relaxed)
