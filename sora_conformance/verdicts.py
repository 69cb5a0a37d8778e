"""The verdict vocabulary, stated once: the harness writes these, the reports read them."""
from __future__ import annotations

from enum import Enum


class Verdict(str, Enum):
    """Every verdict a test or clause can get, worst first: a clause takes the worst verdict of its tests."""

    ERROR = "error"  # the harness or the target's reachability kept the test from judging
    STALE_EXPECTATION = "stale-expectation"  # listed as a known failure, and now passes
    FAIL = "fail"  # the target broke the clause
    NOT_JUDGED = "not-judged"  # the test stopped on another clause's failure before it could judge this one
    KNOWN_FAILURE = "known-failure"
    WARN = "warn"
    PASS = "pass"
    UNSUPPORTED = "unsupported"  # the target profile lacks the capability


def worst(verdicts: list[str]) -> str:
    """The worst of some verdicts (by the order of `Verdict`); none at all is unsupported, never pass."""
    order = [v.value for v in Verdict]
    return min(verdicts, key=order.index) if verdicts else Verdict.UNSUPPORTED.value


_ICONS = {Verdict.ERROR: "❌", Verdict.STALE_EXPECTATION: "❌", Verdict.FAIL: "❌", Verdict.NOT_JUDGED: "⏸️",
          Verdict.KNOWN_FAILURE: "🟡", Verdict.WARN: "⚠️", Verdict.PASS: "✅", Verdict.UNSUPPORTED: "➖"}
ICON: dict[str, str] = {v.value: f"{_ICONS[v]} {v.value}" for v in Verdict}  # by value: str-Enum hashes differ
