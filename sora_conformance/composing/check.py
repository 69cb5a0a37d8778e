"""hisui on one recording directory: `inspect --decode` on every media file and `compose` of the directory, at
once (each a process of its own), judged by `judge.py`. Shared by the suite and `validate --compose`."""
from __future__ import annotations

import functools
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..contract.files import MEDIA_SUFFIXES
from .judge import Finding, composition_findings, connections, inspection_findings
from .runner import Composition, Hisui, HisuiStuck, Inspection
from .tools import HisuiUnavailable, locate

PROCESSES = 2  # hisui processes at once: the machines this runs on have few cores to share


@dataclass
class RecordingCheck:
    directory: Path
    findings: list[Finding] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    composition: Composition | None = None  # None: no media file, nothing to compose

    def evidence(self) -> dict[str, Any]:
        """What hisui said, for the report: per file its summary and errors, and the composition's figures."""
        composed = self.composition
        return {"inspect": {i.path.name: {"errors": i.run.errors, **i.summary} for i in self.inspections},
                "compose": None if composed is None else {
                    "errors": composed.run.errors, "output_seconds": composed.output_seconds,
                    "summary": composed.summary,
                    "readers": [{k: r.get(k) for k in ("type", "input_files", "total_track_seconds")}
                                for r in composed.readers()]}}


def ready_hisui(binary: Path | None = None, openh264: Path | None = None, timeout_multiplier: float = 1.0) -> Hisui:
    """hisui found and proven to run here (raises HisuiUnavailable with the reason otherwise)."""
    hisui = Hisui(locate(binary, openh264), timeout_multiplier)
    hisui.decoders()
    return hisui


@functools.cache
def hisui_here(binary: Path | None = None, openh264: Path | None = None,
               timeout_multiplier: float = 1.0) -> Hisui | str:
    """hisui for this process, or why there is none (located and tried once per process)."""
    try:
        return ready_hisui(binary, openh264, timeout_multiplier)
    except (HisuiUnavailable, HisuiStuck) as exc:
        return str(exc)


def media_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in MEDIA_SUFFIXES and p.is_file())


def check_recording(hisui: Hisui, directory: Path) -> RecordingCheck:
    """Runs hisui on the directory (raises HisuiUnavailable / HisuiStuck when it cannot judge)."""
    media = media_files(directory)
    if not media:
        return RecordingCheck(directory)
    with tempfile.TemporaryDirectory(prefix="hisui-compose-") as work, ThreadPoolExecutor(PROCESSES) as pool:
        composing = pool.submit(hisui.compose, directory, Path(work))
        inspections = list(pool.map(hisui.inspect, media))
        composition = composing.result()
    findings = inspection_findings(inspections) + composition_findings(connections(directory), composition)
    return RecordingCheck(directory, findings, inspections, composition)
