"""The media files of archive directories, offline: each .webm / .mp4 beside its archive JSON judged by its
container (FILE-WEBM-SHAPE, FILE-MP4-SHAPE, FILE-FINALISED) and by whether its media reaches the end of the
interval its JSON states (MEDIA-OWN-CONTENT: a file cut off mid-write may still demux without an error)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..catalogue import load_catalogue
from ..media.content import shortfall, stated_interval
from .containers import FINALISED, ContainerReport, check_media
from .files import MEDIA_SUFFIXES, ItemResult, not_followed, read_json, recording_dirs, regular
from .validator import Violation, level_for

OWN_CONTENT = "MEDIA-OWN-CONTENT"


def validate_archive_media(root: Path) -> Iterator[ItemResult]:
    for directory in recording_dirs(root):
        if directory.is_symlink():
            continue  # validate_archive_dir says it was not followed
        for meta_path in sorted(directory.glob("*archive-*.json")):
            if meta_path.name.startswith("split-archive-end-") or not regular(meta_path):
                continue  # split-archive-end has no media of its own; a link is never read
            for suffix in MEDIA_SUFFIXES:
                media = meta_path.with_suffix(suffix)
                if media.is_symlink():
                    yield not_followed(media)
                elif media.is_file():
                    yield judged(media, read_json(meta_path))


def judged(media: Path, meta: Any) -> ItemResult:
    """One media file's findings as violations, each at its clause's level."""
    report = check_media(media)
    if report.error is not None:
        return ItemResult(str(media), schema=report.kind, error=report.error)
    violations = [_violation(report.kind, f.rule, f.message, f.clause) for f in report.summarised()]
    cut = _cut_short(report, meta)
    if cut is not None:
        violations.append(_violation(report.kind, "span", cut, OWN_CONTENT))
    return ItemResult(str(media), schema=report.kind, violations=violations)


def _cut_short(report: ContainerReport, meta: Any) -> str | None:
    """A finalised file whose blocks / samples stop well before the end of the interval its JSON states. (A file
    that is not finalised already fails for it; its media was not all read.)"""
    stated = stated_interval(meta)
    if stated is None or FINALISED in report.clauses():
        return None
    missing = shortfall(report.span, stated)
    if missing is None:
        return None
    return (f"its media spans {report.span:.2f} s of the {stated.seconds:.2f} s its JSON states: "
            f"{missing:.2f} s missing")


def _violation(kind: str, rule: str, message: str, clause: str) -> Violation:
    evidence = load_catalogue().get(clause).evidence
    return Violation(kind, rule, message, clause, evidence, level_for(clause, evidence))
