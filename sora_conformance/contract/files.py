"""Validate what a server wrote: single JSON files, webhook logs (*.jsonl) and archive directories."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .classify import resolve
from .validator import Violation, level_for, validate

MEDIA_SUFFIXES = (".webm", ".mp4")
OFFSETS = ("start_time_offset", "stop_time_offset")
# Log lines that wrap the webhook body. Sora's own logs: {"id", "timestamp", "req": {<body>}}.
WRAPPER_KEYS = ("req", "request", "payload", "body", "webhook")


@dataclass
class ItemResult:
    """One validated thing: a file, a log line, or a cross-file rule of an archive directory."""

    source: str
    line: int | None = None
    schema: str | None = None
    violations: list[Violation] = field(default_factory=list)
    error: str | None = None  # could not be read, parsed or classified
    note: str | None = None  # not checked, and not a failure (e.g. a webhook type the contract does not cover)
    skipped: str | None = None  # not read at all, and why (a symbolic link inside a directory is never followed)

    def fails(self, strict: bool = False) -> bool:
        return self.error is not None or any(v.fails(strict) for v in self.violations)

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


def _read_json(path: Path) -> tuple[Any, str | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read: {getattr(exc, 'strerror', None) or exc}"
    return parse_json(text)


def parse_json(text: str | bytes) -> tuple[Any, str | None]:
    """(value, None) or (None, one-line reason); never raises, however deep or broken the text."""
    try:
        return json.loads(text), None
    except ValueError as exc:
        return None, f"not JSON: {exc}"
    except RecursionError:
        return None, "JSON nested too deeply to check"


def read_json(path: Path) -> Any:
    """A file's JSON value; None when it cannot be read or is not JSON (the file's own check says why)."""
    try:
        return parse_json(path.read_bytes())[0]
    except OSError:
        return None


def validate_payload(payload: Any, source: str, as_type: str | None = None, line: int | None = None,
                     endpoint: str | None = None, filename: str | None = None) -> ItemResult:
    try:
        if as_type is not None:
            return ItemResult(source, line, as_type, validate(payload, as_type))
        found = resolve(payload, endpoint, filename)
        if found.schema is None:
            return ItemResult(source, line, None, error=found.error, note=found.note)
        return ItemResult(source, line, found.schema, validate(payload, found.schema))
    except RecursionError:
        return ItemResult(source, line, as_type, error="JSON nested too deeply to check")


def validate_file(path: Path, as_type: str | None = None) -> ItemResult:
    payload, error = _read_json(path)
    if error:
        return ItemResult(str(path), error=error)
    return validate_payload(payload, str(path), as_type, filename=path.name)


def unwrap(line: Any) -> Any:
    """The webhook body of a log line: Sora's {"id", "timestamp", "req": {...}}, other wrappers, or bare."""
    if isinstance(line, dict) and "type" not in line:
        for key in WRAPPER_KEYS:
            if isinstance(line.get(key), dict):
                return line[key]
    return line


def validate_jsonl(path: Path, as_type: str | None = None) -> Iterator[ItemResult]:
    """One webhook per line (Sora's `req` wrapper, request/payload/body/webhook, or bare); blank lines skipped."""
    endpoint = next((e for e in ("session", "event", "auth") if path.name.startswith(e)), None)
    try:
        handle = path.open("rb")  # decoded line by line: one bad line is reported, the rest still checked
    except OSError as exc:
        yield ItemResult(str(path), error=f"cannot read: {exc.strerror}")
        return
    with handle:
        for number, raw in enumerate(handle, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield ItemResult(str(path), number, error="not UTF-8 text")
                continue
            if not text.strip():
                continue
            line, error = parse_json(text)
            if error is not None:
                yield ItemResult(str(path), number, error=error)
                continue
            yield validate_payload(unwrap(line), str(path), as_type, number, endpoint)


def not_followed(path: Path) -> ItemResult:
    return ItemResult(str(path), skipped="symbolic link, not followed (only what is inside the directory is read)")


def regular(path: Path) -> bool:
    """A file of the directory itself: a symbolic link may point anywhere (/etc), so it is never read."""
    return path.is_file() and not path.is_symlink()


def recording_dirs(root: Path) -> list[Path]:
    if any(root.glob("report-*.json")):
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir())


def validate_archive_dir(root: Path) -> Iterator[ItemResult]:
    for directory in recording_dirs(root):
        if directory.is_symlink():
            yield not_followed(directory)
            continue
        files: dict[str, Any] = {}
        for path in sorted(directory.glob("*.json")):
            if path.is_symlink():
                yield not_followed(path)
                continue
            if not path.is_file():
                continue
            result = validate_file(path)
            yield result
            payload, _ = _read_json(path)
            files[path.name] = payload
        yield from check_cross_files(directory, files)


def _rule(directory: Path, clause: str, evidence: str, message: str, pointer: str = "") -> ItemResult:
    return ItemResult(str(directory), schema="archive-dir", violations=[
        Violation("archive-dir", pointer, message, clause, evidence, level_for(clause, evidence))])


def check_cross_files(directory: Path, files: dict[str, Any]) -> Iterator[ItemResult]:
    """Rules no single schema can state: every report entry has its files, ids agree, splits run 1..N."""
    reports = [(n, p) for n, p in files.items() if n.startswith("report-") and isinstance(p, dict)]
    if not reports:
        yield _rule(directory, "FILES-LAYOUT", "sdk", "no report-<recording_id>.json in this recording directory")
        return
    name, report = reports[0]
    recording_id = report.get("recording_id")
    if name != f"report-{recording_id}.json":
        yield _rule(directory, "FILES-LAYOUT", "sdk", f"{name} does not match recording_id {recording_id!r}")
    if directory.name != recording_id:
        yield _rule(directory, "FILES-LAYOUT", "sdk", f"directory name is not the recording_id {recording_id!r}")
    for key in ("recording_id", "channel_id", "session_id"):
        if key not in report:
            continue
        for other, payload in files.items():
            if isinstance(payload, dict) and key in payload and payload[key] != report[key]:
                yield _rule(directory, "FILES-LAYOUT", "sdk",
                            f"{other}: {key} {payload[key]!r} differs from the report's {report[key]!r}", f"/{key}")
    found = report.get("archives")
    archives: list[Any] = found if isinstance(found, list) else []
    for index, entry in enumerate(archives):
        if not isinstance(entry, dict) or not isinstance(entry.get("connection_id"), str):
            continue
        cid = entry["connection_id"]
        if report.get("split_only"):
            yield from _check_splits(directory, files, cid, entry, index)
        else:
            yield from _check_single(directory, files, cid, index)
        yield from _check_split_offsets(directory, files, cid)


def _has_media(directory: Path, stem: str) -> bool:
    return any(regular(directory / f"{stem}{suffix}") for suffix in MEDIA_SUFFIXES)


def _check_single(directory: Path, files: dict[str, Any], cid: str, index: int) -> Iterator[ItemResult]:
    stem = f"archive-{cid}"
    if f"{stem}.json" not in files:
        yield _rule(directory, "FILES-LAYOUT", "sdk", f"archives[{index}]: {stem}.json is missing", f"/archives/{index}")
    if not _has_media(directory, stem):
        yield _rule(directory, "FILES-LAYOUT", "sdk", f"archives[{index}]: {stem}.webm/.mp4 is missing",
                    f"/archives/{index}")


def _split_pieces(files: dict[str, Any], cid: str) -> list[tuple[int, Any]]:
    """The connection's split-archive JSON files by index, in order."""
    pattern = re.compile(rf"^split-archive-{re.escape(cid)}_(\d+)\.json$")
    return sorted(((int(m.group(1)), payload) for name, payload in files.items() if (m := pattern.match(name))),
                  key=lambda piece: piece[0])


def _check_splits(directory: Path, files: dict[str, Any], cid: str, entry: dict[str, Any],
                  index: int) -> Iterator[ItemResult]:
    found = [number for number, _ in _split_pieces(files, cid)]
    last = entry.get("split_last_index")
    expected = int(last) if isinstance(last, str) and last.isdigit() else len(found)
    if found != list(range(1, expected + 1)):
        yield _rule(directory, "OUT-SPLIT-ONLY", "sdk",
                    f"archives[{index}]: split files {found} do not run 1..{expected}", f"/archives/{index}")
    for number in found:
        if not _has_media(directory, f"split-archive-{cid}_{number:04d}"):
            yield _rule(directory, "OUT-SPLIT-ONLY", "sdk", f"split {number:04d} of {cid} has no media file")
    if f"split-archive-end-{cid}.json" not in files:
        yield _rule(directory, "OUT-SPLIT-ONLY", "sdk", f"split-archive-end-{cid}.json is missing")


def _offsets(payload: Any) -> tuple[int, int] | None:
    start, stop = (payload.get(k) if isinstance(payload, dict) else None for k in OFFSETS)
    return (start, stop) if type(start) is int and type(stop) is int else None


def _check_split_offsets(directory: Path, files: dict[str, Any], cid: str) -> Iterator[ItemResult]:
    """FILE-SPLIT-OFFSETS: each piece starts where the previous stopped (hisui drops a piece that starts before
    the previous one stops), and split-archive-end spans them all."""
    pieces = _split_pieces(files, cid)
    spans = [_offsets(payload) for _, payload in pieces]
    for (number, _), span in zip(pieces, spans, strict=True):
        if span is None:
            yield _rule(directory, "FILE-SPLIT-OFFSETS", "sdk", f"split {number:04d} of {cid}: start_time_offset / "
                                                                "stop_time_offset are not both integers")
            return
    for (number, _), previous, span in zip(pieces[1:], spans, spans[1:], strict=False):
        assert previous is not None and span is not None
        if span[0] != previous[1]:
            what = "overlaps the previous piece" if span[0] < previous[1] else "leaves a gap after the previous piece"
            yield _rule(directory, "FILE-SPLIT-OFFSETS", "sdk", f"split {number:04d} of {cid} starts at {span[0]}, the "
                                                                f"previous piece stopped at {previous[1]}: it {what}")
    end = files.get(f"split-archive-end-{cid}.json")
    first, last = spans[0] if spans else None, spans[-1] if spans else None
    if first is not None and last is not None and end is not None and _offsets(end) != (first[0], last[1]):
        yield _rule(directory, "FILE-SPLIT-OFFSETS", "sdk", f"split-archive-end-{cid}.json spans {_offsets(end)}, its "
                                                            f"pieces [{first[0]}, {last[1]}]")
