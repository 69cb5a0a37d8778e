"""Verdicts and the two error families: the target is wrong (ClauseFailure) or the harness is (HarnessError)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..catalogue import load_catalogue
from ..scrub import scrub, scrub_text


class HarnessError(Exception):
    """The harness could not do its job (target unreachable, bad setup): not a verdict on the target."""


class ClauseFailure(AssertionError):
    """The target broke a clause. Carries what was acceptable and what was seen."""

    def __init__(self, clause: str, title: str, expected: list[str] | str, actual: Any = None) -> None:
        # title and actual may quote what the target sent, which may echo a secret it was given
        self.clause = clause
        self.title = scrub_text(title)
        self.expected = [expected] if isinstance(expected, str) else list(expected)
        self.actual = scrub(actual)
        c = load_catalogue().get(clause)
        lines = [f"[{clause}] {self.title}", f"  clause ({c.level}, evidence {c.evidence}): {c.statement}",
                 "  expected: " + " | ".join(self.expected)]
        if actual is not None:
            lines.append(f"  actual: {_short(self.actual)}")
        super().__init__("\n".join(lines))


@dataclass
class Warning_:
    clause: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"clause": self.clause, "message": self.message}


@dataclass
class Checker:
    """Per-test: must-level checks raise; should / info / inferred ones are recorded as warnings
    (and raise too under --strict)."""

    strict: bool = False
    warnings: list[Warning_] = field(default_factory=list)
    unsupported: list[Warning_] = field(default_factory=list)  # clauses this test could not judge here, and why

    def check(self, clause: str, condition: bool, title: str, expected: list[str] | str = "",
              actual: Any = None) -> bool:
        if condition:
            return True
        level = load_catalogue().get(clause).enforced_level
        if level == "must" or self.strict:
            raise ClauseFailure(clause, title, expected or title, actual)
        self.warn(clause, f"{title}" + (f" (actual: {_short(actual)})" if actual is not None else ""))
        return False

    def warn(self, clause: str, message: str) -> None:
        self.warnings.append(Warning_(clause, scrub_text(message)))

    def unsupported_here(self, clause: str, reason: str) -> None:
        """One of the test's clauses cannot be judged on this machine (a tool it needs is missing): that clause
        is unsupported in this test, with the reason, never passed; the test's other clauses are judged."""
        self.unsupported.append(Warning_(clause, scrub_text(reason)))


def _short(value: Any, limit: int = 600) -> str:
    text = scrub_text(repr(scrub(value)))  # scrubbed before it is cut: a cut secret would not be recognised
    return text if len(text) <= limit else text[:limit] + "…"
