"""`sora-conformance replay --to URL`: does your own webhook receiver accept the new payloads?

Posts the schema-valid examples of fixtures/valid/ to the user's receiver, one request each, and reports
status and latency. It only ever posts to the URL given.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import requests

from ..contract.paths import fixtures_dir

HELP = "post valid example webhooks (session.created, recording.*, archive.*) to your receiver"
DEFAULT_TYPES = ["session.created", "session.destroyed", "recording.started", "recording.report", "archive.started",
                 "archive.available", "split-archive.available", "split-archive.end"]
HEADER = {"session.created": "session", "session.destroyed": "session", "recording.started": "session",
          "recording.report": "session"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True, metavar="URL", help="your webhook receiver ({endpoint} = session/event)")
    parser.add_argument("--only", action="append", metavar="TYPE", help=f"only these types (default: {', '.join(DEFAULT_TYPES)})")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def examples(types: list[str]) -> list[tuple[str, str, Any]]:
    out = []
    for kind in types:
        for path in sorted((fixtures_dir() / "valid" / kind).glob("*.json")):
            out.append((kind, path.name, json.loads(path.read_text(encoding="utf-8"))))
    return out


def run(args: argparse.Namespace) -> int:
    parts = urlsplit(args.to)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        print(f"sora-conformance replay: --to must be an http(s) URL, got {args.to!r}", file=sys.stderr)
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
