"""What the generated replay tells the user: progress, the shrunk failures, a reproduction line, the
failing payloads on disk, the edges covered, and JUnit XML for CI."""
from __future__ import annotations

import json
import shlex
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..contract.generate import reachable_edges
from .hunt import ReceiverFailed, Tally
from .receiver import Answer, encode

PROGRESS_EVERY = 0.25  # seconds between progress line updates


@dataclass(frozen=True)
class NegativeResult:
    kind: str
    name: str
    clause: str
    answer: Answer

    @property
    def accepted(self) -> bool:
        return self.answer.status is not None and 200 <= self.answer.status < 300


class Progress:
    """One line on stderr, rewritten in place on a terminal; silent when stderr is a file or a pipe."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.stream = total, stream or sys.stderr
        self.live = self.stream.isatty()
        self.shown = 0.0

    def __call__(self, tally: Tally) -> None:
        now = time.monotonic()
        if self.live and now - self.shown >= PROGRESS_EVERY:
            self.shown = now
            failing = f", failing: {', '.join(sorted(tally.failing))}" if tally.failing else ""
            self.stream.write(f"\r  replay: {tally.posted} posted (of {self.total} generated, plus shrinking), "
                              f"{tally.rate():.0f}/s{failing}\x1b[K")
            self.stream.flush()

    def done(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def reproduction(args: Any, types: list[str]) -> str:
    words = ["sora-conformance", "replay", "--to", args.to, "--generate", str(args.generate), "--seed", str(args.seed)]
    if args.types:
        words += ["--types", ",".join(types)]
    if args.timeout != 10.0:
        words += ["--timeout", f"{args.timeout:g}"]
    return shlex.join(words)


def write_failures(directory: Path, failures: list[ReceiverFailed], seed: int) -> Path:
    """DIR/seed-S/NN-type.json (the payload exactly as posted) and NN-type.answer.txt beside it."""
    target = directory / f"seed-{seed}"
    target.mkdir(parents=True, exist_ok=True)
    for stale in [*target.glob("[0-9][0-9]-*.json"), *target.glob("[0-9][0-9]-*.answer.txt")]:
        stale.unlink()  # an earlier run with this seed: its files would read as this run's
    for index, failure in enumerate(failures, 1):
        stem = f"{index:02d}-{failure.kind}"
        (target / f"{stem}.json").write_bytes(encode(failure.payload))
        (target / f"{stem}.answer.txt").write_text(f"{failure.reason}\n{failure.answer.describe()}\n",
                                                   encoding="utf-8")
    return target


def print_failures(failures: list[ReceiverFailed], written: Path, url_for: Any, out: TextIO) -> None:
    for index, failure in enumerate(failures, 1):
        flaky = " (flaky: it passed when posted again)" if failure.flaky else ""
        path = written / f"{index:02d}-{failure.kind}.json"
        print(f"FAIL {failure.kind}: {failure.reason}{flaky}", file=out)
        print("  smallest failing payload:", file=out)
        for line in json.dumps(failure.payload, indent=2, ensure_ascii=True).splitlines():
            print(f"    {line}", file=out)
        print(f"  answer: {failure.answer.describe()}", file=out)
        print(f"  written to {path}; post it again: curl -sS -X POST -H 'content-type: application/json' "
              f"--data-binary @{shlex.quote(str(path))} {shlex.quote(url_for(failure.kind))}", file=out)


def print_edges(tally: Tally, types: list[str], out: TextIO) -> None:
    reachable = reachable_edges(types)
    covered = [f"{name} {tally.edges[name]}" for name in reachable if tally.edges[name]]
    missing = [name for name in reachable if not tally.edges[name]]
    print(f"edges covered: {', '.join(covered) or 'none'}", file=out)
    if missing:
        print(f"edges not reached (raise --generate): {', '.join(missing)}", file=out)


def print_negatives(results: list[NegativeResult], out: TextIO) -> None:
    print("negative payloads (informational: each breaks a must clause; Sora never sends them):", file=out)
    for r in results:
        verdict = "accepted" if r.accepted else "refused"
        print(f"  {verdict:<8} {r.kind:<18} {r.name} [{r.clause}]: {r.answer.describe()}", file=out)


def write_junit(path: Path, types: list[str], failures: list[ReceiverFailed], tally: Tally,
                negatives: list[NegativeResult], seed: int) -> None:
    by_kind = {f.kind: f for f in failures}
    suite = ET.Element("testsuite", name="sora-conformance replay", tests=str(len(types) + len(negatives)),
                       failures=str(len(by_kind)), errors="0", skipped="0")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="seed", value=str(seed))
    ET.SubElement(props, "property", name="posted", value=str(tally.posted))
    for name, count in sorted(tally.edges.items()):
        ET.SubElement(props, "property", name=f"edge: {name}", value=str(count))
    for kind in types:
        case = ET.SubElement(suite, "testcase", classname="replay.generated", name=kind)
        case.set("time", "0")
        if kind in by_kind:
            failure = by_kind[kind]
            node = ET.SubElement(case, "failure", message=failure.reason)
            node.text = json.dumps(failure.payload, indent=2, ensure_ascii=True) + "\n" + failure.answer.describe()
    for r in negatives:
        case = ET.SubElement(suite, "testcase", classname="replay.negative", name=f"{r.kind}: {r.name}")
        ET.SubElement(case, "system-out").text = f"{'accepted' if r.accepted else 'refused'}: {r.answer.describe()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
