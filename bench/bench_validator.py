"""Validator throughput: payloads/s for json.loads alone, the fast path (jsonschema_rs) and jsonschema.

Target: bulk validation of webhook logs is bound by JSON parsing: the validator's throughput is at least
half of merely json.loads-ing the same lines. Prints figures; asserts nothing.
"""
from __future__ import annotations

import copy
import json
import tempfile
import time
from pathlib import Path

from sora_conformance.contract.files import validate_jsonl
from sora_conformance.paths import fixtures_dir
from sora_conformance.contract.validator import _py_validator, validate

LINES = 100_000


def report_with_ten_archives() -> dict:
    payload = json.loads((fixtures_dir() / "valid" / "recording.report" / "full.json").read_text())
    entry = payload["data"]["archives"][0]
    payload["data"]["archives"] = [copy.deepcopy(entry) | {"connection_id": f"{i:026d}"} for i in range(10)]
    return payload


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>12,.0f}/s"


def single(payload: dict, rounds: int = 20_000) -> None:
    text = json.dumps(payload)
    t0 = time.perf_counter()
    for _ in range(rounds):
        json.loads(text)
    loads = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(rounds):
        validate(json.loads(text), "recording.report")
    fast = time.perf_counter() - t0
    slow_rounds = rounds // 20
    validator = _py_validator("recording.report")
    t0 = time.perf_counter()
    for _ in range(slow_rounds):
        list(validator.iter_errors(json.loads(text)))
    slow = time.perf_counter() - t0
    print(f"single recording.report (10 archives), {rounds:,} rounds")
    print(f"  json.loads only           {rate(rounds, loads)}")
    print(f"  loads + validate (fast)   {rate(rounds, fast)}   ratio to json.loads {loads / fast:.2f}")
    print(f"  loads + jsonschema        {rate(slow_rounds, slow)}   ratio to json.loads "
          f"{(loads / rounds) / (slow / slow_rounds):.3f}")


def bulk(payload: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "session_webhook.jsonl"
        text = json.dumps(payload)
        log.write_text((text + "\n") * LINES)
        t0 = time.perf_counter()
        with log.open() as handle:
            for line in handle:
                json.loads(line)
        loads = time.perf_counter() - t0
        t0 = time.perf_counter()
        checked = sum(1 for _ in validate_jsonl(log))
        full = time.perf_counter() - t0
    print(f"webhook log, {LINES:,} lines of recording.report")
    print(f"  json.loads only           {rate(LINES, loads)}")
    print(f"  validate_jsonl            {rate(checked, full)}   ratio to json.loads {loads / full:.2f} (target >= 0.5)")


if __name__ == "__main__":
    payload = report_with_ten_archives()
    assert validate(payload, "recording.report") == []
    single(payload)
    bulk(payload)
