"""Payload generation from the schemas: always valid, and reaching the edges the migration page names."""
from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from sora_conformance.contract.generate import edges_of, payload_strategy, reachable_edges
from sora_conformance.contract.kinds import RECORDING, TYPES
from sora_conformance.contract.schemas import load_schemas
from sora_conformance.contract.strategies import SchemaStrategies, forbidding, pattern_strings
from sora_conformance.contract.validator import validate

QUICK = settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))


def draw_many(kind: str, count: int, at: int = 1) -> list:
    out: list = []

    @seed(at)
    @settings(QUICK, max_examples=count)
    @given(payload_strategy(kind))
    def collect(payload: object) -> None:
        out.append(payload)

    collect()
    return out


def test_every_type_generates_only_valid_payloads():
    for kind in TYPES:
        for payload in draw_many(kind, 60):
            assert validate(payload, kind) == [], (kind, payload)


def test_the_seed_edges_are_all_reached_in_a_few_hundred_payloads():
    edges: Counter[str] = Counter()
    for kind in RECORDING:
        for payload in draw_many(kind, 150):
            edges.update(edges_of(kind, payload))
    assert set(reachable_edges(list(RECORDING))) == set(edges), edges


def test_edges_that_a_type_cannot_show_are_not_expected():
    assert "archives empty" not in reachable_edges(["recording.started"])
    assert "session_id only in data" not in reachable_edges(["archive.available"])


def test_not_required_becomes_forbidden_keys_here_and_one_level_down():
    schema = {"anyOf": [{"required": ["metadata"]},
                        {"required": ["data"], "properties": {"data": {"required": ["metadata"]}}}]}
    assert forbidding(schema) == {"x-forbid": ["metadata"], "properties": {"data": {"x-forbid": ["metadata"]}}}
    assert forbidding({"const": 1}) == {"x-not": [{"const": 1}]}  # anything else: filtered


def test_simple_patterns_are_one_text_draw_and_still_match():
    assert "from_regex" not in repr(pattern_strings("^[0-9A-Z]{26}$"))
    assert "from_regex" in repr(pattern_strings("^(a|b)$"))

    @QUICK
    @given(pattern_strings("^[0-9]+$"))
    def digits(text: str) -> None:
        assert text and text.isdigit() and text.isascii()

    digits()


def test_a_legacy_schema_never_gets_the_keys_it_forbids():
    compiler = SchemaStrategies(load_schemas().registry)
    legacy = compiler.for_uri(load_schemas().by_name["legacy.recording.report"])

    @settings(QUICK, max_examples=40)
    @given(legacy)
    def no_session_id(payload: dict) -> None:
        assert "session_id" not in payload and "session_id" not in payload["data"]
        assert validate(payload, "legacy.recording.report") == []

    no_session_id()


def test_integers_stay_within_what_every_json_parser_keeps_exact():
    compiler = SchemaStrategies(load_schemas().registry)

    @QUICK
    @given(st.data())
    def bounded(data: st.DataObject) -> None:
        value = data.draw(compiler._build({"type": "integer", "minimum": 0}))
        assert 0 <= value <= 2**53 - 1

    bounded()


def test_payloads_keep_what_sora_never_breaks():
    for kind in ("recording.report", "recording.started", "archive.available", "session.destroyed"):
        for payload in draw_many(kind, 80):
            data = payload.get("data")
            if not isinstance(data, dict):
                continue  # session.destroyed has no data: a "data" there is an unknown extra field
            for key in ("channel_id", "session_id", "connection_id"):
                if key in payload and key in data:
                    assert payload[key] == data[key]
            if "expired_at" in data:
                assert data["expired_at"] == min(data["created_at"] + data["expire_time"], 2**53 - 1)
            ids = [entry["connection_id"] for entry in data.get("archives", [])]
            assert len(ids) == len(set(ids))
