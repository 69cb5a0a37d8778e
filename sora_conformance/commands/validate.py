"""`sora-conformance validate`: check JSON files, webhook logs and archive directories against the contract."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from ..composing.runner import HisuiStuck
from ..composing.tools import HisuiUnavailable
from ..contract.files import ItemResult, validate_archive_dir, validate_file, validate_jsonl
from ..contract.schemas import schema_names
from .validate_compose import compose_results

HELP = "validate webhook payloads, webhook logs (*.jsonl) and archive directories against the contract"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--as", dest="as_type", metavar="TYPE", help="schema to use (default: from type or file name)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--strict", action="store_true", help="warnings (should / inferred rules) also fail")
    parser.add_argument("--compose", action="store_true",
                        help="also run hisui: inspect --decode every media file, compose every recording directory")
    parser.add_argument("--hisui", type=Path, metavar="PATH", help="with --compose: the hisui binary")
    parser.add_argument("--openh264", type=Path, metavar="PATH", help="with --compose: OpenH264 for H.264")


def results_for(path: Path, as_type: str | None) -> Iterator[ItemResult]:
    if path.is_dir():
        found = [r for log in sorted(path.glob("*.jsonl")) if log.is_file() for r in validate_jsonl(log, as_type)]
        found += list(validate_archive_dir(path))
        if not any(r.schema != "archive-dir" for r in found):  # no file of Sora's was read: it never passes
            found = [ItemResult(str(path), error=f"no Sora output found in {path} (no report-*.json, "
                                                 "archive JSON or webhook log)")]
        yield from found
    elif not path.exists():
        yield ItemResult(str(path), error="no such file or directory")
    elif not path.is_file():  # a FIFO or a device would block or never end
        print(f"sora-conformance validate: {path}: not a regular file, skipped", file=sys.stderr)
    elif path.suffix == ".jsonl":
        yield from validate_jsonl(path, as_type)
    else:
        yield validate_file(path, as_type)


def run(args: argparse.Namespace) -> int:
    if args.as_type is not None and args.as_type not in schema_names():
        print(f"sora-conformance validate: unknown --as {args.as_type!r}; one of: {', '.join(schema_names())}",
              file=sys.stderr)
        return 2
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"sora-conformance validate: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    results = [r for path in args.paths for r in results_for(path, args.as_type)]
    if args.compose:
        try:
            results += compose_results(args.paths, args.hisui, args.openh264)
        except (HisuiUnavailable, HisuiStuck) as exc:  # hisui cannot judge here: no verdict at all
            print(f"sora-conformance validate: --compose: {exc}", file=sys.stderr)
            return 2
    if not results:
        print("sora-conformance validate: nothing to validate (no regular file among the paths)", file=sys.stderr)
        return 1
    failed = [r for r in results if r.fails(args.strict)]
    if args.json:
        print(json.dumps({"valid": not failed, "checked": len(results), "failed": len(failed), "items": [
            {"source": r.source, "line": r.line, "schema": r.schema, "error": r.error, "note": r.note,
             "violations": [v.as_dict() for v in r.violations]} for r in results if r.error or r.note or r.violations]},
            indent=2, ensure_ascii=False))
    else:
        for r in results:
            if r.error:
                print(f"{r.where}: ERROR {r.error}")
            if r.note:
                print(f"{r.where}: INFO {r.note}")
            for v in r.violations:
                tag = "FAIL" if v.fails(args.strict) else "WARN"
                print(f"{r.where}: {tag} {r.schema} {v}")
        warned = sum(1 for r in results if r.violations and not r.fails(args.strict))
        uncovered = sum(1 for r in results if r.note)
        print(f"{len(results)} checked, {len(failed)} invalid, {warned} with warnings only, "
              f"{uncovered} not covered by the contract")
    return 1 if failed else 0
