"""`sora-conformance validate`: check JSON files, webhook logs and archive directories against the contract."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from ..contract.files import ItemResult, validate_archive_dir, validate_file, validate_jsonl
from ..contract.schemas import schema_names

HELP = "validate webhook payloads, webhook logs (*.jsonl) and archive directories against the contract"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--as", dest="as_type", metavar="TYPE", help="schema to use (default: from type or file name)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--strict", action="store_true", help="warnings (should / inferred rules) also fail")


def results_for(path: Path, as_type: str | None) -> Iterator[ItemResult]:
    if path.is_dir():
        yield from validate_archive_dir(path)
    elif path.suffix == ".jsonl":
        yield from validate_jsonl(path, as_type)
    elif path.exists():
        yield validate_file(path, as_type)
    else:
        yield ItemResult(str(path), error="no such file or directory")


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
