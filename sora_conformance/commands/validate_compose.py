"""`validate --compose`: hisui on every recording directory found, offline, as validate's results.

A file hisui refuses (inspect) or a directory it cannot compose is an error: validate exits 1. What it composed
wrongly (a file left unread, a connection shorter than recorded) is a FILES-COMPOSE violation at that clause's
level. hisui missing or lacking a decoder raises HisuiUnavailable: validate says why and exits 2.
"""
from __future__ import annotations

from pathlib import Path

from ..composing.check import RecordingCheck, check_recording, media_files, ready_hisui
from ..contract.files import ItemResult, recording_dirs
from ..contract.validator import Violation, level_for

CLAUSE = "FILES-COMPOSE"


def compose_results(paths: list[Path], hisui_path: Path | None, openh264_path: Path | None) -> list[ItemResult]:
    hisui = ready_hisui(hisui_path, openh264_path)
    roots = [p for p in paths if p.is_dir()]
    if not roots:
        return [ItemResult(", ".join(map(str, paths)), schema="hisui", error="--compose needs a recording "
                                                                            "directory (or the archive_dir above it)")]
    results: list[ItemResult] = []
    for root in roots:
        try:
            directories = [d for d in recording_dirs(root) if not d.is_symlink() and media_files(d)]
        except OSError as exc:
            results.append(ItemResult(str(root), schema="hisui", error=f"cannot read: {exc.strerror or exc}"))
            continue
        if not directories:  # nothing composed never passes
            results.append(ItemResult(str(root), schema="hisui", error="no recording directory with media files "
                                                                        "for hisui to compose"))
        for directory in directories:
            if any(entry.is_symlink() for entry in directory.iterdir()):  # hisui would follow it out of the directory
                results.append(ItemResult(str(directory), schema="hisui", skipped="holds symbolic links: not composed "
                                          "(only what is inside the directory is read)"))
                continue
            results += as_results(check_recording(hisui, directory))
    return results


def as_results(check: RecordingCheck) -> list[ItemResult]:
    where, level = str(check.directory), level_for(CLAUSE, "sdk")
    results = [ItemResult(where, schema="hisui", error=f.title) for f in check.findings if f.refusal]
    violations = [Violation("hisui", "", f.title, CLAUSE, "sdk", level) for f in check.findings if not f.refusal]
    return results + [ItemResult(where, schema="hisui", violations=violations)]
