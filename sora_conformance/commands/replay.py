"""`sora-conformance replay --to URL`: does your own webhook receiver handle the new payloads?

One pipeline for two sources of payloads: the contract's valid examples (fixtures/valid/), or with
--generate N payloads drawn by Hypothesis from the schemas, every failure shrunk to its smallest payload.
Either way each payload goes to the endpoint Sora posts it to (URL/session, /event, /auth, or URL with
{endpoint} replaced), is judged the same way and reported the same way (text or --json, --junit,
--allure-dir). It only ever posts to the URL given.

Exit 0 when the receiver handled every payload, 1 when it failed some, 2 when it is unreachable, an option
or output path is wrong, or on an internal error: one line, no traceback, never a verdict.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

from ..contract.kinds import TYPES
from ..replay.allure import write_allure
from ..replay.hunt import hunt
from ..replay.junit import write_junit
from ..replay.outcome import Outcome
from ..replay.receiver import InvalidPayload, Receiver, UsageError
from ..replay.report import (HIDDEN, Progress, as_json, failures_dir, print_outcome, reproduction, summary,
                             write_failures)
from ..replay.sources import examples, post_examples, post_negatives
from ..scrub import scrub_text

HELP = ("post webhooks to your receiver: the valid examples, or with --generate N payloads generated from the "
        "contract, failures shrunk")
PREFIX = "sora-conformance replay"
DEFAULT_FAILURES_DIR = Path("reports/replay-failures")  # checked only when written: a run without failures needs none


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True, metavar="URL",
                        help="your webhook receiver: URL/session, URL/event, URL/auth, or URL with {endpoint} "
                             "replaced by session/event/auth; a user:password in it is sent as Basic auth")
    parser.add_argument("--generate", type=int, metavar="N",
                        help="post N payloads generated from the schemas (property-based, shrinks failures) "
                             "instead of the examples")
    parser.add_argument("--types", metavar="T1,T2", help=f"only these types (default: {','.join(TYPES)})")
    parser.add_argument("--only", action="append", metavar="TYPE", help="the same as --types (may be repeated)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds for each post as a whole: connect, send, answer head and body (default 10)")
    parser.add_argument("--seed", type=int, help="with --generate: the run's seed (printed; same seed, same payloads)")
    parser.add_argument("--negative", action="store_true",
                        help="also post payloads breaking a must clause and report which were accepted (informational)")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML here")
    parser.add_argument("--allure-dir", type=Path, metavar="DIR",
                        help="write Allure results here (`allure generate DIR` renders them)")
    parser.add_argument("--failures-dir", type=Path, metavar="DIR",
                        help=f"where failing payloads are written (default {DEFAULT_FAILURES_DIR})")


def parse_types(text: str | None, only: list[str] | None = None) -> list[str]:
    given = [t.strip() for part in [text or "", *(only or [])] for t in part.split(",") if t.strip()]
    if not text and not only:
        return list(TYPES)
    unknown = [t for t in given if t not in TYPES]
    if unknown or not given:
        raise UsageError(f"--types: unknown {', '.join(unknown) or '(none given)'}; known: {','.join(TYPES)}")
    return list(dict.fromkeys(given))


def check_writable(path: Path | None, option: str, directory: bool) -> None:
    """An output path that cannot be written is the user's mistake, said before anything is posted."""
    if path is None:
        return
    if path.exists():
        if path.is_dir() != directory:
            raise UsageError(f"{option} {path}: {'not a directory' if directory else 'a directory, not a file'}")
        if not os.access(path, os.W_OK):
            raise UsageError(f"{option} {path}: not writable")
        return
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: cannot be created ({parent} is not a writable directory)")


def prepare(args: argparse.Namespace) -> tuple[list[str], Receiver]:
    if args.generate is not None and args.generate < 1:
        raise UsageError(f"--generate must be at least 1, got {args.generate}")
    if args.generate is None and args.seed is not None:
        raise UsageError("--seed needs --generate (the examples are always the same)")
    types = parse_types(args.types, args.only)
    check_writable(args.junit, "--junit", directory=False)
    check_writable(args.allure_dir, "--allure-dir", directory=True)
    check_writable(args.failures_dir, "--failures-dir", directory=True)
    if args.generate is not None and args.seed is None:
        args.seed = random.SystemRandom().randrange(2**32)
    return types, Receiver(args.to, args.timeout)


def replay(args: argparse.Namespace, receiver: Receiver, types: list[str], quiet: bool) -> Outcome:
    generated = args.generate is not None
    total = args.generate if generated else len(examples(types))
    if not quiet:
        what = f"{total} generated payloads" if generated else f"{total} examples"
        print(f"replay: {what} of {len(types)} types to {receiver.shown_url()}"
              + (f", seed {args.seed}" if generated else ""))
    progress = Progress(total, shrinking=generated)
    try:
        if generated:
            cases, tally = hunt(receiver, types, args.generate, args.seed, progress)
        else:
            cases, tally = post_examples(receiver, types, progress)
    finally:
        progress.done()
    outcome = Outcome("generated" if generated else "examples", types, cases, tally, args.seed)
    outcome.negatives = post_negatives(receiver, types) if args.negative else []
    return outcome


def report(args: argparse.Namespace, outcome: Outcome, receiver: Receiver, types: list[str]) -> None:
    written = failures_dir(args.failures_dir or DEFAULT_FAILURES_DIR, outcome) if outcome.failures else None
    if written is not None:
        write_failures(written, outcome.failures)
    reproduce = reproduction(args, receiver, types) if outcome.failures else None
    if args.junit:
        write_junit(args.junit, outcome)
    if args.allure_dir:
        write_allure(args.allure_dir, outcome)
    if args.json:
        print(json.dumps(as_json(outcome, receiver, written, reproduce), indent=2, ensure_ascii=False))
        return
    print_outcome(outcome, receiver, written, sys.stdout)
    if args.negative and not outcome.negatives:
        print("--negative: breakers exist for recording.started / recording.report only, none among --types")
    print(summary(outcome))
    if reproduce:
        print(f"reproduce: {reproduce}" + (f"  ({HIDDEN})" if receiver.has_hidden_parts else ""))


def run(args: argparse.Namespace) -> int:
    try:
        types, receiver = prepare(args)
    except UsageError as exc:
        print(f"{PREFIX}: {exc}", file=sys.stderr)
        return 2
    try:
        down = receiver.reachable()
        if down:
            print(f"{PREFIX}: {down}", file=sys.stderr)
            return 2
        outcome = replay(args, receiver, types, quiet=args.json)
    except Exception as bug:  # noqa: BLE001 - a bug of ours must not pass for a verdict, nor print a traceback
        what = str(bug) if isinstance(bug, InvalidPayload) else f"{type(bug).__name__}: {bug}"
        print(scrub_text(f"{PREFIX}: internal error, not a verdict on your receiver: {what}"), file=sys.stderr)
        return 2
    finally:
        receiver.close()
    try:
        report(args, outcome, receiver, types)
    except OSError as exc:  # checked before posting; still possible (disk full, removed meanwhile)
        print(f"{PREFIX}: cannot write the results: {exc.strerror or exc} ({exc.filename})", file=sys.stderr)
        return 2
    return 1 if outcome.failures else 0
