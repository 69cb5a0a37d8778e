"""The payloads a replay posts besides the generated ones (hunt.py): the contract's valid examples and the
negative payloads, posted and judged the same way."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..contract.generate import negatives
from ..contract.kinds import RECORDING
from ..paths import fixtures_dir
from .outcome import Case, Failure, NegativeResult, Tally
from .receiver import Receiver, judge


def examples(types: list[str]) -> list[tuple[str, str, Any]]:
    """(type, file name, payload) of every example in fixtures/valid/<type>/, in order."""
    out = []
    for kind in types:
        for path in sorted((fixtures_dir() / "valid" / kind).glob("*.json")):
            out.append((kind, path.name, json.loads(path.read_text(encoding="utf-8"))))
    return out


def post_examples(receiver: Receiver, types: list[str],
                  on_post: Callable[[Tally], None] = lambda tally: None) -> tuple[list[Case], Tally]:
    """Each example posted once: one case per example."""
    tally, cases = Tally(), []
    for kind, name, payload in examples(types):
        answer = receiver.checked_post(kind, payload)
        reason = judge(kind, answer)
        tally.record(kind, payload, reason)
        case = Case(f"{kind} {name}", kind, posted=1, answer=answer.excerpt())
        if reason is not None:
            case.failures.append(Failure(kind, payload, answer.excerpt(), reason))
        cases.append(case)
        on_post(tally)
    return cases, tally


def post_negatives(receiver: Receiver, types: list[str]) -> list[NegativeResult]:
    """Payloads breaking a must clause, made from the full example of each session recording type."""
    valid = {kind: payload for kind, name, payload in examples([k for k in RECORDING if k in types])
             if name == "full.json"}
    return [NegativeResult(kind, name, clause, receiver.post(kind, payload).excerpt())
            for kind, name, clause, payload in negatives(valid)]
