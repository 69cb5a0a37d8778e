"""The validator: levels from evidence, pointers, fast path agreement."""
import copy
import json

from sora_conformance.contract.classify import classify, classify_file
from sora_conformance.paths import fixtures_dir
from sora_conformance.contract.validator import is_valid, level_for, validate


def example(name, kind="full"):
    return json.loads((fixtures_dir() / "valid" / name / f"{kind}.json").read_text())


def test_violation_names_pointer_clause_and_evidence():
    payload = example("recording.report")
    payload["data"]["expire_time"] = 0
    (v,) = [v for v in validate(payload, "recording.report") if v.clause == "EXPIRE-POSITIVE"]
    assert v.pointer == "/data/expire_time" and v.evidence == "seed" and v.level == "must"


def test_sdk_evidence_caps_a_violation_at_should():
    payload = example("recording.report")
    del payload["data"]["start_timestamp"]
    levels = {v.level for v in validate(payload, "recording.report")}
    assert levels == {"should"}


def test_identity_fields_are_must_whatever_the_sdk_says():
    payload = example("recording.report")
    del payload["data"]["recording_id"]
    (identity,) = [v for v in validate(payload, "recording.report") if v.clause == "ID-WEBHOOK"]
    assert identity.level == "must" and "recording_id" in identity.message
    payload["recording_id"] = payload["data"]["channel_id"]  # at the top level, it identifies just as well
    assert all(v.level != "must" for v in validate(payload, "recording.report"))


def test_inferred_rules_only_warn():
    assert level_for(None, "inferred") == "warning"
    assert validate({}, "api.StartRecording.response")[0].level == "warning"


def test_unknown_new_fields_are_allowed():
    payload = example("recording.started")
    payload["data"]["field_added_in_2027"] = {"x": 1}
    payload["another_new_field"] = True
    assert validate(payload, "recording.started") == []


def test_fast_path_agrees_with_precise_validation():
    good = example("recording.started")
    bad = copy.deepcopy(good)
    bad["log_written"] = True
    assert is_valid(good, "recording.started") and validate(good, "recording.started") == []
    assert not is_valid(bad, "recording.started") and validate(bad, "recording.started")


def test_classify_by_endpoint_and_content():
    started = example("recording.started")
    legacy = example("legacy.recording.started")
    assert classify(started, "session") == "recording.started"
    assert classify(legacy, "event") == "legacy.recording.started"
    assert classify(started) == "recording.started" and classify(legacy) == "legacy.recording.started"
    assert classify({"type": "connection.updated"}) is None
    assert classify({"role": "sendonly"}, "auth") == "auth.request"


def test_classify_files_by_name():
    assert classify_file("report-ABC.json", {"session_id": "X"}) == "file.report"
    assert classify_file("report-ABC.json", {"metadata": {}}) == "file.legacy-report"
    assert classify_file("archive-C1.json") == "file.archive"
    assert classify_file("split-archive-C1_0002.json") == "file.split-archive"
    assert classify_file("split-archive-end-C1.json") == "file.split-archive-end"
    assert classify_file("notes.json") is None
