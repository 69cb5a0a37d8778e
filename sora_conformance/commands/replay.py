"""`sora-conformance replay --to URL`: does your own webhook receiver accept the new payloads?

Without --generate it posts the schema-valid examples of fixtures/valid/ to URL, one request each. With
--generate N it posts N payloads drawn by Hypothesis from the contract's schemas to URL/session, /event and
/auth (or URL with {endpoint} replaced), shrinks every failure to its smallest payload and says how to
reproduce it. It only ever posts to the URL given.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import requests

from ..contract.generate import TYPES
from ..paths import fixtures_dir
from ..replay.receiver import UsageError, check_timeout, check_url
from . import replay_generated

HELP = ("post webhooks to your receiver: the valid examples, or with --generate N payloads generated from the "
        "contract, failures shrunk")
DEFAULT_TYPES = ["session.created", "session.destroyed", "recording.started", "recording.report", "archive.started",
                 "archive.available", "split-archive.available", "split-archive.end"]
HEADER = {"session.created": "session", "session.destroyed": "session", "recording.started": "session",
          "recording.report": "session"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True, metavar="URL",
                        help="your webhook receiver ({endpoint} = session/event/auth; with --generate, "
                             "without {endpoint}: URL/session, URL/event, URL/auth)")
    parser.add_argument("--only", action="append", metavar="TYPE", help=f"only these types (default: {', '.join(DEFAULT_TYPES)})")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    parser.add_argument("--json", action="store_true", help="machine-readable output (examples mode)")
    parser.add_argument("--generate", type=int, metavar="N",
                        help="post N payloads generated from the schemas (property-based, shrinks failures)")
    parser.add_argument("--seed", type=int, help="with --generate: the run's seed (printed; same seed, same payloads)")
    parser.add_argument("--types", metavar="T1,T2", help=f"with --generate: these types (default: {','.join(TYPES)})")
    parser.add_argument("--negative", action="store_true",
                        help="also post payloads breaking a must clause and report which were accepted (informational)")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="with --generate: write JUnit XML here")
    parser.add_argument("--allure-dir", type=Path, metavar="DIR",
                        help="with --generate: write Allure results here (`allure generate DIR` renders them)")
    parser.add_argument("--failures-dir", type=Path, default=Path("reports/replay-failures"), metavar="DIR",
                        help="with --generate: where failing payloads are written (default reports/replay-failures)")


def examples(types: list[str]) -> list[tuple[str, str, Any]]:
    out = []
    for kind in types:
        for path in sorted((fixtures_dir() / "valid" / kind).glob("*.json")):
            out.append((kind, path.name, json.loads(path.read_text(encoding="utf-8"))))
    return out


def run(args: argparse.Namespace) -> int:
    if args.generate is not None:
        if args.seed is None:
            args.seed = random.SystemRandom().randrange(2**32)
        return replay_generated.run(args)
    try:  # the same one-line usage errors as --generate: bad URL, port out of range, timeout not above 0
        check_url(args.to)
        check_timeout(args.timeout)
    except UsageError as exc:
        print(f"sora-conformance replay: {exc}", file=sys.stderr)
        return 2
    types = args.only or DEFAULT_TYPES
    unknown = [t for t in types if not (fixtures_dir() / "valid" / t).is_dir()]
    if unknown:
        print(f"sora-conformance replay: no examples for {', '.join(unknown)}; known: {', '.join(DEFAULT_TYPES)}",
              file=sys.stderr)
        return 2
    results = []
    session = requests.Session()
    for kind, name, payload in examples(types):
        endpoint = HEADER.get(kind, "event")
        url = args.to.replace("{endpoint}", endpoint)
        headers = {f"sora-{endpoint}-webhook-type": kind}
        started = time.monotonic()
        try:
            answer = session.post(url, json=payload, headers=headers, timeout=args.timeout)
        except requests.ConnectionError:
            print(f"sora-conformance replay: cannot connect to {url}: is the receiver running?", file=sys.stderr)
            return 2
        except requests.Timeout:
            results.append({"type": kind, "example": name, "status": None, "ok": False,
                            "latency_ms": round(args.timeout * 1000), "error": "timeout"})
            continue
        latency = (time.monotonic() - started) * 1000
        results.append({"type": kind, "example": name, "status": answer.status_code, "ok": answer.ok,
                        "latency_ms": round(latency, 1)})
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            print(f"{'OK  ' if r['ok'] else 'FAIL'} {r['type']:<24} {r['example']:<16} status {r['status']}  "
                  f"{r['latency_ms']} ms" + (f"  {r.get('error')}" if r.get("error") else ""))
        print(f"{sum(r['ok'] for r in results)}/{len(results)} accepted")
    return 0 if all(r["ok"] for r in results) else 1
