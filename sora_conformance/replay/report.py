"""What a replay tells the user, in both modes: progress, one line per case, each failure with its payload and
a curl line to post it again, the failing payloads on disk, the edges covered, a reproduction line, or all of
it as one JSON document. URLs are printed without user, password and query (receiver.shown_url)."""
from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from ..contract.generate import reachable_edges
from ..contract.kinds import KINDS
from .outcome import Case, Failure, Outcome, Tally
from .post import Answer
from .receiver import Receiver, encode

PROGRESS_EVERY = 0.25  # seconds between progress line updates
HIDDEN = "--to's user, password and query are not printed: add them back to reproduce"


class Progress:
    """One line on stderr, rewritten in place on a terminal; silent when stderr is a file or a pipe."""

    def __init__(self, total: int, stream: TextIO | None = None, shrinking: bool = True) -> None:
        self.of = f"of {total} generated, plus shrinking" if shrinking else f"of {total}"
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.shown = 0.0

    def __call__(self, tally: Tally) -> None:
        now = time.monotonic()
        if self.live and now - self.shown >= PROGRESS_EVERY:
            self.shown = now
            failing = f", failing: {', '.join(sorted(tally.failing))}" if tally.failing else ""
            self.stream.write(f"\r  replay: {tally.posted} posted ({self.of}), "
                              f"{tally.rate():.0f}/s{failing}\x1b[K")
            self.stream.flush()

    def done(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def reproduction(args: Any, receiver: Receiver, types: list[str]) -> str:
    words = ["sora-conformance", "replay", "--to", receiver.shown_url()]
    if args.generate is not None:
        words += ["--generate", str(args.generate), "--seed", str(args.seed)]
    if args.types or args.only:
        words += ["--types", ",".join(types)]
    if args.timeout != 10.0:
        words += ["--timeout", f"{args.timeout:g}"]
    return shlex.join(words)


def failures_dir(directory: Path, outcome: Outcome) -> Path:
    return directory / (f"seed-{outcome.seed}" if outcome.mode == "generated" else "examples")


def write_failures(target: Path, failures: list[Failure]) -> None:
    """DIR/NN-type.json (the payload exactly as posted) and NN-type.answer.txt beside it."""
    target.mkdir(parents=True, exist_ok=True)
    for stale in [*target.glob("[0-9][0-9]-*.json"), *target.glob("[0-9][0-9]-*.answer.txt")]:
        stale.unlink()  # an earlier run with this seed: its files would read as this run's
    for index, failure in enumerate(failures, 1):
        stem = f"{index:02d}-{failure.kind}"
        (target / f"{stem}.json").write_bytes(encode(failure.payload))
        (target / f"{stem}.answer.txt").write_text(f"{failure.reason}\n{failure.answer.describe()}\n",
                                                   encoding="utf-8")


def curl(receiver: Receiver, failure: Failure, path: Path) -> str:
    words = ["curl", "-sS", "-X", "POST", "-H", "content-type: application/json"]
    for name, value in KINDS[failure.kind].headers(failure.payload).items():
        words += ["-H", f"{name}: {value}"]
    return shlex.join([*words, "--data-binary", f"@{path}", receiver.shown_url(failure.kind)])


def print_outcome(outcome: Outcome, receiver: Receiver, written: Path | None, out: TextIO) -> None:
    for case in outcome.cases:
        print(f"  {'fail' if case.failures else 'ok':<5} {case.name}  {_case_detail(case)}", file=out)
    for index, failure in enumerate(outcome.failures, 1):
        flaky = " (flaky: it passed when posted again)" if failure.flaky else ""
        print(f"FAIL {failure.kind}: {failure.reason}{flaky}", file=out)
        print("  smallest failing payload:" if outcome.mode == "generated" else "  payload:", file=out)
        for line in json.dumps(failure.payload, indent=2, ensure_ascii=True).splitlines():
            print(f"    {line}", file=out)
        print(f"  answer: {failure.answer.describe()}", file=out)
        if written is not None:
            path = written / f"{index:02d}-{failure.kind}.json"
            print(f"  written to {path}; post it again: {curl(receiver, failure, path)}", file=out)
    if outcome.mode == "generated":
        print_edges(outcome.tally, outcome.types, out)
    if outcome.negatives:
        print("negative payloads (informational: each breaks a must clause; Sora never sends them):", file=out)
        for r in outcome.negatives:
            verdict = "accepted" if r.accepted else "refused"
            print(f"  {verdict:<8} {r.kind:<18} {r.name} [{r.clause}]: {r.answer.describe()}", file=out)


def _case_detail(case: Case) -> str:
    if case.answer is not None:  # an example: its one answer
        shown = f"HTTP {case.answer.status}" if case.answer.status is not None else "no answer"
        return f"{shown}, {case.answer.seconds * 1000:.1f} ms"
    return f"{case.posted} posted"


def print_edges(tally: Tally, types: list[str], out: TextIO) -> None:
    reachable = reachable_edges(types)
    covered = [f"{name} {tally.edges[name]}" for name in reachable if tally.edges[name]]
    missing = [name for name in reachable if not tally.edges[name]]
    print(f"edges covered: {', '.join(covered) or 'none'}", file=out)
    if missing:
        print(f"edges not reached (raise --generate): {', '.join(missing)}", file=out)


def summary(outcome: Outcome) -> str:
    failing = outcome.failing_types
    return (f"{outcome.tally.posted} payloads posted ({outcome.tally.rate():.0f}/s); "
            + (f"FAILED: {', '.join(failing)}" if failing else f"all {len(outcome.types)} types handled"))


def as_json(outcome: Outcome, receiver: Receiver, written: Path | None, reproduce: str | None) -> dict[str, Any]:
    numbered = {id(f): index for index, f in enumerate(outcome.failures, 1)}

    def failure(f: Failure) -> dict[str, Any]:
        path = written / f"{numbered[id(f)]:02d}-{f.kind}.json" if written is not None else None
        return {"reason": f.reason, "flaky": f.flaky, "payload": f.payload, "answer": _answer(f.answer),
                "file": str(path) if path else None}

    return {
        "mode": outcome.mode, "to": receiver.shown_url(), "seed": outcome.seed, "types": outcome.types,
        "posted": outcome.tally.posted, "passed": not outcome.failures,
        "cases": [{"name": c.name, "type": c.kind, "posted": c.posted, "ok": not c.failures,
                   "answer": _answer(c.answer) if c.answer else None,
                   "failures": [failure(f) for f in c.failures]} for c in outcome.cases],
        "edges": dict(sorted(outcome.tally.edges.items())) if outcome.mode == "generated" else None,
        "negatives": [{"type": r.kind, "name": r.name, "clause": r.clause, "accepted": r.accepted,
                       "answer": _answer(r.answer)} for r in outcome.negatives],
        "reproduce": reproduce,
    }


def _answer(answer: Answer) -> dict[str, Any]:
    return {"status": answer.status, "error": answer.error, "cut": answer.cut,
            "latency_ms": round(answer.seconds * 1000, 1), "described": answer.describe()}
