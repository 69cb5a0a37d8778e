"""FILES-COMPOSE in the suite: hisui inspects every media file of a finished recording and composes it.

The one hook into the scenario (`Sora.composes`). Where hisui cannot run here (missing, not runnable, no
decoder for the recording's codec), FILES-COMPOSE is unsupported in that test, with the reason; the test's
other clauses are judged as usual.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..composing.check import check_recording, hisui_here
from ..composing.runner import HisuiStuck
from ..composing.tools import HisuiUnavailable
from .config import HarnessConfig
from .verdict import Checker, HarnessError

CLAUSE = "FILES-COMPOSE"


def hisui_composes(directory: Path, config: HarnessConfig, checker: Checker,
                   evidence: Callable[[str, Any], None]) -> None:
    """Judges FILES-COMPOSE on a finished recording's directory: every file inspected and decoded, the
    directory composed with hisui's default layout, each connection kept for its recorded time."""
    hisui = hisui_here(config.hisui_path, config.openh264_path, config.timeout_multiplier)
    if isinstance(hisui, str):
        checker.unsupported_here(CLAUSE, hisui)
        return
    try:
        result = check_recording(hisui, directory)
    except HisuiUnavailable as exc:
        checker.unsupported_here(CLAUSE, str(exc))
        return
    except HisuiStuck as exc:
        raise HarnessError(str(exc)) from None
    evidence(f"hisui on {directory.name}", result.evidence())
    checker.check(CLAUSE, result.composition is not None, f"{directory.name} has no media file for hisui to compose",
                  "the recording's media files", sorted(p.name for p in directory.iterdir()))
    for finding in result.findings:
        checker.check(CLAUSE, False, finding.title, finding.expected, finding.actual)
