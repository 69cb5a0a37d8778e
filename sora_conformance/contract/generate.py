"""Webhook payloads generated from the contract, and the edges of the contract each covers.

`payload_strategy(kind)` is a Hypothesis strategy of payloads of one type, every one valid against its schema
(the replay command checks each again before posting). `edges_of` names the corners of the contract a
payload exercises (the ones the migration page makes receivers meet); `negatives` are payloads that break a
must clause, for receivers that validate their input.
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from .kinds import RECORDING
from .schemas import load_schemas, schema_uri
from .strategies import MAX_SAFE_INTEGER, SchemaStrategies

COMMON = "https://schemas.sora-conformance.invalid/_defs/common.schema.json#/$defs/"
EPOCH_2000 = datetime(2000, 1, 1, tzinfo=timezone.utc)
CENTURY_MICROS = 100 * 365 * 86400 * 10**6
OFFSETS = (0, 540, -300, 330, 840, -720)  # minutes: Z, Japan, the Americas, India, and the extremes
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SHARED_IDS = ("channel_id", "session_id", "connection_id")  # in the envelope and in `data`: one value


def rfc3339() -> st.SearchStrategy[str]:
    """Real date-times (the pattern alone would allow month 13), any offset, with or without fractions."""
    def render(number: int) -> str:
        # one draw for the whole timestamp (each draw costs Hypothesis ~50 us); 0 is 2000-01-01T00:00:00Z
        number, offset_minutes = divmod(number, len(OFFSETS))[0], OFFSETS[number % len(OFFSETS)]
        micros, digits = divmod(number, 3)[0], (0, 3, 6)[number % 3]
        moment = EPOCH_2000 + timedelta(microseconds=micros)
        text = moment.astimezone(timezone(timedelta(minutes=offset_minutes))).strftime("%Y-%m-%dT%H:%M:%S")
        if digits:
            text += "." + f"{moment.microsecond:06d}"[:digits]
        if offset_minutes == 0:
            return text + "Z"
        sign, minutes = ("+" if offset_minutes > 0 else "-"), abs(offset_minutes)
        return text + f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"

    return st.integers(0, CENTURY_MICROS * len(OFFSETS) * 3 - 1).map(render)


def channel_ids() -> st.SearchStrategy[str]:
    """Any string of 1..255 bytes in UTF-8 (SIGNALING), so also Japanese, emoji and control characters;
    long ones repeat a short drawn text (one draw per character would make them the slowest field)."""
    def fits(text: str, times: int) -> str:
        raw = (text * times).encode("utf-8")[:255]
        return raw.decode("utf-8", errors="ignore") or text[:1]
    text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)
    return st.builds(fits, text, st.just(1)) | st.builds(fits, text, st.integers(2, 255))


def sora_ids() -> st.SearchStrategy[str]:
    """26 characters of [0-9A-Z] (what the schema allows; Sora's own are a Base32 subset), from one draw."""
    def render(number: int) -> str:
        out = []
        for _ in range(26):
            number, digit = divmod(number, 36)
            out.append(BASE36[digit])
        return "".join(reversed(out))
    return st.integers(0, 36**26 - 1).map(render)


@functools.cache
def compiler() -> SchemaStrategies:
    overrides = {COMMON + "timestamp": rfc3339(), COMMON + "channel_id": channel_ids(),
                 COMMON + "session_id": sora_ids(), COMMON + "base32_id": sora_ids()}
    return SchemaStrategies(load_schemas().registry, overrides)


@functools.cache
def payload_strategy(kind: str) -> st.SearchStrategy[Any]:
    return compiler().for_uri(schema_uri(kind)).map(as_sora_sends)


def as_sora_sends(payload: dict[str, Any]) -> dict[str, Any]:
    """What the schema cannot say but Sora never breaks, so that no failure is one Sora could not cause:
    an id in both the envelope and `data` is the same id; `expired_at` comes only with `expire_time`
    (then created_at + expire_time); an archive entry per connection (long archives repeat drawn entries)."""
    data = payload.get("data")
    if not isinstance(data, dict) or "type" not in payload:  # auth.request: no envelope, no data
        return payload
    data = dict(data)
    for key in SHARED_IDS:
        if key in payload and key in data:
            data[key] = payload[key]
    if "expire_time" in data and isinstance(data.get("created_at"), int):
        data["expired_at"] = min(data["created_at"] + data["expire_time"], MAX_SAFE_INTEGER)
    elif "expire_time" not in data:
        data.pop("expired_at", None)
    if isinstance(data.get("archives"), list):
        data["archives"] = distinct_connections(data["archives"])
    return {**payload, "data": data}


def distinct_connections(archives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[Any] = set()
    out = []
    for index, entry in enumerate(archives):
        if entry.get("connection_id") in seen:
            entry = {**entry, "connection_id": f"{entry['connection_id']}-{index}"}
        seen.add(entry["connection_id"])
        out.append(entry)
    return out


def _data(payload: Any) -> dict[str, Any]:
    data = payload.get("data") if isinstance(payload, dict) else None
    return data if isinstance(data, dict) else {}


@functools.cache
def _known_keys(kind: str) -> frozenset[str]:
    return frozenset(compiler().flat(schema_uri(kind)).get("properties", {}))


def _extra_keys(kind: str, payload: dict[str, Any]) -> bool:
    return bool(set(payload) - _known_keys(kind) - {"metadata", "log_written"})


Edge = Callable[[str, dict[str, Any]], bool]
EDGES: dict[str, Edge] = {
    "session_id top-level": lambda k, p: k in RECORDING and "session_id" in p,
    "session_id only in data": lambda k, p: k in RECORDING and "session_id" not in p and "session_id" in _data(p),
    "recording_metadata absent": lambda k, p: k in RECORDING and "recording_metadata" not in _data(p)
    and "recording_metadata" not in p,
    "recording_metadata nested object": lambda k, p: k in RECORDING and any(
        isinstance(v, (dict, list)) for v in _data(p).get("recording_metadata", {}).values()),
    "expire_time unset": lambda k, p: k in RECORDING and "expire_time" not in _data(p),
    "expire_time set": lambda k, p: k in RECORDING and "expire_time" in _data(p),
    "unknown extra field": _extra_keys,
    "archives empty": lambda k, p: k == "recording.report" and _data(p).get("archives") == [],
    "archives long (16+)": lambda k, p: k == "recording.report" and len(_data(p).get("archives", [])) >= 16,
    "non-ASCII channel_id": lambda k, p: not str(p.get("channel_id", "")).isascii(),
    "split report": lambda k, p: k == "recording.report" and _data(p).get("split_only") is True,
    "non-split report": lambda k, p: k == "recording.report" and _data(p).get("split_only") is False,
}


def edges_of(kind: str, payload: Any) -> list[str]:
    if not isinstance(payload, dict):
        return []
    return [name for name, test in EDGES.items() if test(kind, payload)]


def reachable_edges(types: list[str]) -> list[str]:
    """Edges some payload of these types can show (e.g. archives only exist in recording.report)."""
    report_only = {"archives empty", "archives long (16+)", "split report", "non-split report"}
    recording = {name for name in EDGES if "session_id" in name or "metadata" in name or "expire" in name}
    out = []
    for name in EDGES:
        if name in report_only and "recording.report" not in types:
            continue
        if name in recording and not set(RECORDING) & set(types):
            continue
        out.append(name)
    return out


# Payloads that break a must clause of the migration page: (name, clause, mutation of a valid payload).
Mutation = Callable[[dict[str, Any]], None]
NEGATIVES: list[tuple[str, str, Mutation]] = [
    ("legacy metadata in data", "WH-REC-NO-METADATA", lambda p: p["data"].update(metadata={"legacy": True})),
    ("legacy metadata top-level", "WH-REC-NO-METADATA", lambda p: p.update(metadata={"legacy": True})),
    ("log_written", "WH-REC-NO-LOG-WRITTEN", lambda p: p.update(log_written=True)),
    ("expire_time: 0", "EXPIRE-POSITIVE", lambda p: p["data"].update(expire_time=0)),
]


def negatives(valid: dict[str, dict[str, Any]]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(type, name, clause, payload) for each mutation of each valid session recording payload given."""
    out = []
    for kind, payload in valid.items():
        for name, clause, mutate in NEGATIVES:
            broken = copy.deepcopy(payload)
            mutate(broken)
            out.append((kind, name, clause, broken))
    return out
