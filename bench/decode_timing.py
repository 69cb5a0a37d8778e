"""pytest plugin used by bench_suite.py: how long the suite spends decoding archives (content checks)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sora_conformance.harness import media
from sora_conformance.media.content import MediaContent

_spent = {"seconds": 0.0, "files": 0}
_read = media.read_media


def _timed_read(path: Path) -> MediaContent:
    started = time.perf_counter()
    try:
        return _read(path)
    finally:
        _spent["seconds"] += time.perf_counter() - started
        _spent["files"] += 1


media.read_media = _timed_read


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(f"decoding: {_spent['seconds']:.2f} s in {_spent['files']} files")
