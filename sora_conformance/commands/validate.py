"""`sora-conformance validate`: check JSON files, webhook logs and archive directories against the contract."""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from ..composing.runner import HisuiStuck
from ..composing.tools import HisuiUnavailable
from ..contract.files import (MEDIA_SUFFIXES, ItemResult, not_followed, read_json, validate_archive_dir,
                              validate_file, validate_jsonl)
from ..contract.media_files import judged, validate_archive_media
from ..contract.schemas import schema_names
from .validate_compose import compose_results

HELP = ("validate webhook payloads, webhook logs (*.jsonl), archive directories and their media files (.webm / .mp4: "
        "container shape, finalised) against the contract")
ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
BIDI_CONTROLS = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))  # reorder what a terminal shows
SURROGATE = re.compile("[\ud800-\udfff]")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--as", dest="as_type", metavar="TYPE", help="schema to use (default: from type or file name)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--strict", action="store_true", help="warnings (should / inferred rules) also fail")
    parser.add_argument("--compose", action="store_true",
                        help="also run hisui: inspect --decode every media file, compose every recording directory")
    parser.add_argument("--hisui", type=Path, metavar="PATH", help="with --compose: the hisui binary")
    parser.add_argument("--openh264", type=Path, metavar="PATH", help="with --compose: OpenH264 for H.264")


def printable(line: str) -> str:
    """One output line that stays one line and encodes: a file name may hold a newline (forging a line of
    its own), other control characters, or bytes that are not UTF-8 (held as surrogates by Python)."""
    return "".join(_escape(char) for char in line)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if char in ESCAPES:
        return ESCAPES[char]
    if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or code in BIDI_CONTROLS:
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


def results_for(path: Path, as_type: str | None) -> Iterator[ItemResult]:
    if path.is_dir():
        found = [r for log in sorted(path.glob("*.jsonl")) for r in _log_in_dir(log, as_type)]
        found += list(validate_archive_dir(path))
        found += list(validate_archive_media(path))
        if not any(r.schema != "archive-dir" and r.skipped is None for r in found):  # nothing of Sora's was read
            found.append(ItemResult(str(path), error=f"no Sora output found in {path} (no report-*.json, "
                                                     "archive JSON or webhook log)"))
        yield from found
    elif not path.exists():
        yield ItemResult(str(path), error="no such file or directory")
    elif not path.is_file():  # a FIFO or a device would block or never end
        print(printable(f"sora-conformance validate: {path}: not a regular file, skipped"), file=sys.stderr)
    elif path.suffix == ".jsonl":
        yield from validate_jsonl(path, as_type)
    elif path.suffix in MEDIA_SUFFIXES:
        yield judged(path, read_json(path.with_suffix(".json")))  # its JSON's interval, when it is there
    else:
        yield validate_file(path, as_type)


def _log_in_dir(log: Path, as_type: str | None) -> Iterator[ItemResult]:
    if log.is_symlink():
        yield not_followed(log)
    elif log.is_file():
        yield from validate_jsonl(log, as_type)


def run(args: argparse.Namespace) -> int:
    if args.as_type is not None and args.as_type not in schema_names():
        print(f"sora-conformance validate: unknown --as {args.as_type!r}; one of: {', '.join(schema_names())}",
              file=sys.stderr)
        return 2
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(printable(f"sora-conformance validate: no such file or directory: {', '.join(missing)}"),
              file=sys.stderr)
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
        print_json(results, failed)
    else:
        print_text(results, failed, args.strict)
    return 1 if failed else 0


def print_json(results: list[ItemResult], failed: list[ItemResult]) -> None:
    checked = sum(1 for r in results if r.skipped is None)
    text = json.dumps({"valid": not failed, "checked": checked, "failed": len(failed), "items": [
        {"source": r.source, "line": r.line, "schema": r.schema, "error": r.error, "note": r.note,
         "skipped": r.skipped, "violations": [v.as_dict() for v in r.violations]}
        for r in results if r.error or r.note or r.skipped or r.violations]}, indent=2, ensure_ascii=False)
    # a non-UTF-8 file name is a lone surrogate: as a JSON escape it reads back as the same name
    print(SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def print_text(results: list[ItemResult], failed: list[ItemResult], strict: bool) -> None:
    for r in results:
        for line in _lines(r, strict):
            print(printable(line))
    warned = sum(1 for r in results if r.violations and not r.fails(strict))
    uncovered = sum(1 for r in results if r.note)
    skipped = sum(1 for r in results if r.skipped)
    print(f"{len(results) - skipped} checked, {len(failed)} invalid, {warned} with warnings only, "
          f"{uncovered} not covered by the contract" + (f", {skipped} skipped" if skipped else ""))


def _lines(r: ItemResult, strict: bool) -> Iterator[str]:
    if r.error:
        yield f"{r.where}: ERROR {r.error}"
    if r.note:
        yield f"{r.where}: INFO {r.note}"
    if r.skipped:
        yield f"{r.where}: SKIPPED {r.skipped}"
    for v in r.violations:
        yield f"{r.where}: {'FAIL' if v.fails(strict) else 'WARN'} {r.schema} {v}"
