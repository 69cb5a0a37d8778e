"""Writing recording files: atomic JSON, synthesised media where nothing arrived, and the recorder's one way to
disk.

Every file the recorder writes goes through `Disk`, which hands each planned write to the active faults'
file changes first (drop it, change its JSON, add a copy): the recorder itself never knows about faults.
"""
from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .media.synth import write_video


@dataclass(frozen=True)
class FileWrite:
    """One planned file: JSON (`body`) or media lasting `seconds`, of which the share `kept` reaches the disk."""

    path: Path
    body: dict[str, Any] | None = None
    seconds: float = 0.0
    kept: float = 1.0  # below 1: the media file cut off there, as a crash mid-write leaves it

    @property
    def is_media(self) -> bool:
        return self.body is None


FileChange = Callable[[FileWrite], list[FileWrite]]


def write_json(path: Path, body: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2))
    os.replace(tmp, path)  # readers never see a half-written file


class Disk:
    def __init__(self, change: FileChange = lambda write: [write]) -> None:
        self._change = change

    def media(self, path: Path, seconds: float) -> int:
        """The media at `path` as planned (or as the faults change it): what was written there as it arrived,
        else grey frames lasting `seconds`; its size, 0 if not written."""
        return self._write(FileWrite(path, seconds=seconds))

    def keeps(self, path: Path) -> bool:
        """Whether a file planned at `path` is written there (media written as it arrives asks first)."""
        return any(write.path == path for write in self._change(FileWrite(path)))

    def json(self, path: Path, body: dict[str, Any]) -> None:
        self._write(FileWrite(path, copy.deepcopy(body)))

    def _write(self, planned: FileWrite) -> int:
        size = 0
        for write in self._change(planned):
            if write.is_media:
                written = _media(write)
                size = written if write.path == planned.path else size
            else:
                assert write.body is not None
                write_json(write.path, write.body)
        return size


def _media(write: FileWrite) -> int:
    """The media at `write.path` (written as it arrived, else grey frames lasting `write.seconds`), cut to the share
    it keeps; its size."""
    if not write.path.is_file():
        write_video(write.path, write.seconds, write.path.suffix.lstrip("."))
    size = write.path.stat().st_size
    if write.kept < 1.0:
        size = int(size * write.kept)
        os.truncate(write.path, size)
    return size
