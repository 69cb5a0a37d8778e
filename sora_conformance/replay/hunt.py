"""The property-based search: Hypothesis draws payloads, each is checked against its schema and posted, and
every distinct way the receiver fails (webhook type x failure kind) is shrunk to its smallest payload."""
from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import FlakyFailure

from ..contract.generate import payload_strategy
from .outcome import Case, Failure, Tally
from .receiver import Receiver, judge


class ReceiverFailed(Exception):
    """One payload the receiver did not handle. Subclassed per (type, kind of failure): Hypothesis tells
    bugs apart by exception class, so each way of failing is shrunk and reported on its own."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"{failure.kind}: {failure.reason}")
        self.failure = failure


@functools.cache
def failure_class(kind: str, how: str) -> type[ReceiverFailed]:
    return type(f"ReceiverFailed[{kind}: {how}]", (ReceiverFailed,), {})


def failure_key(reason: str) -> str:
    """What makes two failures the same bug: the status code or the kind of error, not the details."""
    if reason.startswith("answered HTTP"):
        return reason
    return reason.split(" (")[0].split(":")[0]


def keep_hypothesis_out_of_cwd() -> None:
    """Hypothesis caches into ./.hypothesis by default: the user's working directory is not ours to litter."""
    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        set_hypothesis_home_dir(str(cache / "sora-conformance" / "hypothesis"))


def shares(count: int, types: list[str]) -> dict[str, int]:
    """`count` spread evenly over the types, in order (Hypothesis's one_of would favour some types)."""
    return {kind: count // len(types) + (1 if i < count % len(types) else 0) for i, kind in enumerate(types)}


def hunt(receiver: Receiver, types: list[str], count: int, seed: int,
         on_post: Callable[[Tally], None] = lambda tally: None) -> tuple[list[Case], Tally]:
    """Post `count` generated payloads (plus the shrinking attempts): one case per type, holding the smallest
    failing payload of each bug found."""
    keep_hypothesis_out_of_cwd()
    tally = Tally()

    def check(kind: str, payload: Any) -> None:
        answer = receiver.checked_post(kind, payload)
        reason = judge(kind, answer)
        tally.record(kind, payload, reason)
        on_post(tally)
        if reason is not None:
            raise failure_class(kind, failure_key(reason))(Failure(kind, payload, answer.excerpt(), reason))

    cases = [Case(kind, kind, failures=search(kind, share, seed, check) if share else [])
             for kind, share in shares(count, types).items()]
    for case in cases:
        case.posted = tally.types[case.kind]
    return cases, tally


def search(kind: str, count: int, seed: int, check: Callable[[str, Any], None]) -> list[Failure]:
    """One Hypothesis run over one webhook type."""
    options = settings(max_examples=count, database=None, deadline=None, derandomize=False,
                       suppress_health_check=list(HealthCheck), report_multiple_bugs=True,
                       phases=[Phase.generate, Phase.shrink], verbosity=Verbosity.quiet, print_blob=False)
    def post(payload: Any) -> None:
        check(kind, payload)

    run = hypothesis_seed(seed)(options(given(payload_strategy(kind))(post)))
    try:
        run()
    except (ReceiverFailed, BaseExceptionGroup) as found:
        return collect(found)
    return []


def collect(found: BaseException, flaky: bool = False) -> list[Failure]:
    """The receiver failures in what Hypothesis raised (one, a group, or a group of flaky ones)."""
    if isinstance(found, ReceiverFailed):
        return [dataclasses.replace(found.failure, flaky=flaky)]
    if isinstance(found, BaseExceptionGroup):
        inner = flaky or isinstance(found, FlakyFailure)
        return [f for e in found.exceptions for f in collect(e, inner)]
    raise found  # InvalidPayload or a bug of ours: not a verdict on the receiver
