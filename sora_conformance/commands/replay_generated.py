"""`sora-conformance replay --generate N`: the property-based replay (see sora_conformance.replay).

Exit 0 when the receiver handled every payload, 1 when it failed some (each shrunk, printed, written),
2 when it is unreachable or the command line is wrong: one line, no traceback.
"""
from __future__ import annotations

import argparse
import json
import sys

from ..contract.generate import RECORDING, TYPES, negatives
from ..paths import fixtures_dir
from ..replay.allure import write_allure
from ..replay.hunt import GeneratedInvalid, hunt
from ..replay.receiver import Receiver, UsageError
from ..replay.report import (NegativeResult, Progress, print_edges, print_failures, print_negatives, reproduction,
                             write_failures, write_junit)

PREFIX = "sora-conformance replay"


def parse_types(text: str | None) -> list[str]:
    if not text:
        return list(TYPES)
    types = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in types if t not in TYPES]
    if unknown or not types:
        raise UsageError(f"--types: unknown {', '.join(unknown) or '(none given)'}; known: {','.join(TYPES)}")
    return types


def post_negatives(receiver: Receiver, types: list[str]) -> list[NegativeResult]:
    valid = {}
    for kind in RECORDING:
        if kind in types:
            valid[kind] = json.loads((fixtures_dir() / "valid" / kind / "full.json").read_text(encoding="utf-8"))
    return [NegativeResult(kind, name, clause, receiver.post(kind, payload))
            for kind, name, clause, payload in negatives(valid)]


def run(args: argparse.Namespace) -> int:
    try:
        if args.generate < 1:
            raise UsageError(f"--generate must be at least 1, got {args.generate}")
        types = parse_types(args.types)
        receiver = Receiver(args.to, args.timeout)
    except UsageError as exc:
        print(f"{PREFIX}: {exc}", file=sys.stderr)
        return 2
    down = receiver.reachable()
    if down:
        print(f"{PREFIX}: {down}", file=sys.stderr)
        return 2
    print(f"replay: {args.generate} generated payloads of {len(types)} types, seed {args.seed}")
    progress = Progress(args.generate)
    try:
        failures, tally = hunt(receiver, types, args.generate, args.seed, progress)
    except GeneratedInvalid as bug:
        print(f"{PREFIX}: internal error, not a verdict on your receiver: {bug}", file=sys.stderr)
        return 2
    except Exception as bug:  # noqa: BLE001 - a bug of ours must not pass for a verdict, nor print a traceback
        print(f"{PREFIX}: internal error, not a verdict on your receiver: {type(bug).__name__}: {bug}",
              file=sys.stderr)
        return 2
    finally:
        progress.done()
    negative_results = post_negatives(receiver, types) if args.negative else []
    receiver.close()
    out = sys.stdout
    written = write_failures(args.failures_dir, failures, args.seed) if failures else None
    if written is not None:
        print_failures(failures, written, receiver.url_for, out)
    print_edges(tally, types, out)
    if negative_results:
        print_negatives(negative_results, out)
    elif args.negative:
        print("--negative: breakers exist for recording.started / recording.report only, none among --types", file=out)
    if args.junit:
        write_junit(args.junit, types, failures, tally, negative_results, args.seed)
    if args.allure_dir:
        write_allure(args.allure_dir, types, failures, tally, negative_results, args.seed)
    failing = sorted({f.kind for f in failures})
    print(f"{tally.posted} payloads posted ({tally.rate():.0f}/s); "
          + (f"FAILED: {', '.join(failing)}" if failing else f"all {len(types)} types handled"))
    if failures:
        print(f"reproduce: {reproduction(args, types)}")
    return 1 if failures else 0
