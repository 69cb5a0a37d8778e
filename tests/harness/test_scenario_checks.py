"""The value checks the suites share: a missing key or a payload that is not an object never passes."""
import pytest

from sora_conformance.harness.verdict import ClauseFailure


@pytest.fixture
def sora(make_scenario):
    return make_scenario()  # tagged with a must-level clause: a failed check raises ClauseFailure


def test_check_absent_passes_only_an_object_without_the_key(sora):
    assert sora.check_absent({"other": 1}, "expire_time", "recording.report")
    with pytest.raises(ClauseFailure, match="recording.report carries expire_time") as failed:
        sora.check_absent({"expire_time": 0}, "expire_time", "recording.report")
    assert failed.value.actual == 0


@pytest.mark.parametrize("payload", [None, [], "x", 0], ids=["none", "list", "string", "number"])
def test_check_absent_never_passes_what_is_not_an_object(sora, payload):
    with pytest.raises(ClauseFailure, match="is not a JSON object"):
        sora.check_absent(payload, "expire_time", "the report file")


def test_check_value_needs_the_key_with_that_value(sora):
    assert sora.check_value({"session_id": "S"}, "session_id", "S", "another session")
    with pytest.raises(ClauseFailure, match="another session") as failed:
        sora.check_value({"session_id": "T"}, "session_id", "S", "another session")
    assert failed.value.actual == "T"


@pytest.mark.parametrize("payload", [{}, None, []], ids=["missing", "none", "list"])
def test_check_value_of_nothing_never_passes_even_for_none(sora, payload):
    with pytest.raises(ClauseFailure):
        sora.check_value(payload, "session_id", None, "no session")


def test_checks_name_only_the_tests_clauses(sora):
    from sora_conformance.harness.verdict import HarnessError

    with pytest.raises(HarnessError, match="tagged only with REC-STOP-ON-DESTROY"):
        sora.check_absent({}, "k", "x", clause="SESSION-NEW-ID")
