"""Run hisui and read what it says: `inspect --decode` on a media file, `compose` of a recording directory.

hisui's own Python wrapper (the `hisui` package) runs the binary without a timeout, keeps all its output in
memory and trusts the exit code, which `inspect` leaves at 0 when a block fails to read or decode (it logs
`[ERROR]` and goes on). So this module runs the binary itself: time-bounded, output bounded (stdout to a
temporary file, parsed only below a size; stderr read head and tail), and every `[ERROR]` line is a finding.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..contract.files import MEDIA_SUFFIXES
from .tools import INSTALL_OPENH264, HisuiTool, HisuiUnavailable

BASE_TIMEOUT = {"list-codecs": 10.0, "inspect": 10.0, "compose": 20.0}  # seconds, before the multiplier
SECONDS_PER_MIB = 2.0  # more time for more media: hisui composes a recording in a fraction of its length
STDERR_LIMIT = 64 * 1024  # bytes read from each end of hisui's log
JSON_LIMIT = 32 * 1024 * 1024  # inspect lists every sample: a long recording's listing is not parsed whole
_ERROR = re.compile(r"^(?:[\d.]+ )?\[ERROR\] \S+ - (.+)$|^Error: (.+)$|^thread '.*' (panicked at .+)$")
_NO_DECODER = re.compile(r"no available decoder for (\S+) codec")


class HisuiStuck(Exception):
    """hisui did not finish in time, or was killed: nothing can be said about the files (an error)."""


@dataclass
class HisuiRun:
    """One run: its exit status and hisui's error messages (first line each, in order, each once)."""

    command: list[str]
    returncode: int
    errors: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.returncode != 0 or bool(self.errors)


@dataclass
class Inspection:
    path: Path
    run: HisuiRun
    summary: dict[str, Any] = field(default_factory=dict)  # inspect's JSON without the per-sample lists


@dataclass
class Composition:
    root: Path
    run: HisuiRun
    summary: dict[str, Any] = field(default_factory=dict)  # what compose prints: output codecs and durations
    stats: dict[str, Any] = field(default_factory=dict)  # the --stats-file: one entry per reader, decoder...
    output_seconds: float | None = None  # the composed file's duration, read with PyAV

    def readers(self) -> list[dict[str, Any]]:
        """The media readers hisui ran (one per source and track kind), each with the files it read."""
        processors = self.stats.get("processors")
        return [p for p in processors if isinstance(p, dict) and str(p.get("type", "")).endswith("_reader")] \
            if isinstance(processors, list) else []


class Hisui:
    def __init__(self, tool: HisuiTool, timeout_multiplier: float = 1.0) -> None:
        self.tool = tool
        self.timeout_multiplier = timeout_multiplier

    def decoders(self) -> set[str]:
        """The codecs hisui decodes here (`list-codecs`): proves that it runs, and that a given OpenH264 loads
        (hisui otherwise reports a broken library as an error on every H.264 file)."""
        with tempfile.TemporaryFile() as out:
            run = self._run("list-codecs", self.tool.openh264_args(), 0, out)
            listing = _read_json(out)
        codecs = listing.get("codecs") if isinstance(listing, dict) else None
        if run.refused or not isinstance(codecs, list):
            raise HisuiUnavailable(f"hisui at {self.tool.binary} does not list its codecs: "
                                   f"{'; '.join(run.errors) or 'no codec list'}")
        found = {str(c.get("name")) for c in codecs if isinstance(c, dict) and c.get("decoders")}
        if self.tool.openh264 is not None and "H264" not in found:
            raise HisuiUnavailable(f"hisui cannot load OpenH264 from {self.tool.openh264}")
        return found

    def inspect(self, media: Path) -> Inspection:
        """`hisui inspect --decode`: every block read and decoded."""
        with tempfile.TemporaryFile() as out:
            run = self._run("inspect", ["--decode", *self.tool.openh264_args(), str(media)], _size(media), out)
            listing = _read_json(out)
        summary = {k: v for k, v in listing.items() if not isinstance(v, list)} if isinstance(listing, dict) else {}
        return Inspection(media, run, summary)

    def compose(self, root: Path, workdir: Path) -> Composition:
        """`hisui compose` of a recording directory with hisui's default layout, written into `workdir` (never
        into the recording's directory, which is the target's)."""
        output, stats_file = workdir / "output.mp4", workdir / "stats.json"
        args = ["-P", "-o", str(output), "-s", str(stats_file), *self.tool.openh264_args(), str(root)]
        size = sum(_size(p) for p in root.iterdir() if p.suffix in MEDIA_SUFFIXES)
        with tempfile.TemporaryFile() as out:
            run = self._run("compose", args, size, out)
            summary = _read_json(out)
        found = _read_json_file(stats_file)
        return Composition(root, run, summary if isinstance(summary, dict) else {},
                           found if isinstance(found, dict) else {},
                           media_seconds(output) if output.is_file() and not run.refused else None)

    def _run(self, subcommand: str, args: list[str], media_bytes: int, stdout: IO[bytes]) -> HisuiRun:
        command = [str(self.tool.binary), subcommand, *args]
        timeout = self.timeout_multiplier * (BASE_TIMEOUT[subcommand] + SECONDS_PER_MIB * media_bytes / 2**20)
        with tempfile.TemporaryFile() as stderr:
            try:
                done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                                      timeout=timeout, env=_child_environment(), check=False)
            except subprocess.TimeoutExpired:
                raise HisuiStuck(f"hisui {subcommand} did not finish within {timeout:.1f} s") from None
            except OSError as exc:
                raise HisuiUnavailable(f"hisui at {self.tool.binary} cannot run: {exc.strerror or exc}") from None
            log = _head_and_tail(stderr)
        if done.returncode < 0:
            raise HisuiStuck(f"hisui {subcommand} was killed by signal {-done.returncode}")
        run = HisuiRun(command, done.returncode, error_messages(log))
        if done.returncode != 0 and not run.errors:
            run.errors.append(f"hisui {subcommand} exited with status {done.returncode}")
        _unless_decoder_missing(run, self.tool)
        return run


def error_messages(log: str) -> list[str]:
    """hisui's error messages in its log: `[ERROR] module - message`, a fatal `Error: message`, a panic."""
    found: list[str] = []
    for line in log.splitlines():
        match = _ERROR.match(line.strip())
        message = next((g for g in match.groups() if g), None) if match else None
        if message and message not in found:
            found.append(message)
    return found


def _unless_decoder_missing(run: HisuiRun, tool: HisuiTool) -> None:
    """A codec hisui has no decoder for here says nothing about the file: unsupported, with the reason."""
    for message in run.errors:
        missing = _NO_DECODER.search(message)
        if missing:
            hint = f": {INSTALL_OPENH264}" if missing.group(1) == "H264" and tool.openh264 is None else ""
            raise HisuiUnavailable(f"hisui has no {missing.group(1)} decoder here{hint} ({message})")


def media_seconds(path: Path) -> float | None:
    """The longest stream of a media file, in seconds (PyAV); None when it cannot be read."""
    import av  # only composing needs PyAV here

    try:
        with av.open(str(path)) as media:
            spans = [float(s.duration * s.time_base) for s in media.streams if s.duration and s.time_base]
            if not spans and media.duration:
                spans = [media.duration / av.time_base]
    except (OSError, av.error.FFmpegError):
        return None
    return max(spans) if spans else None


def _child_environment() -> dict[str, str]:
    """hisui reads HISUI_* variables (a layout file, an OpenH264 path, threads): none of the user's, so that
    hisui composes with its default layout and the OpenH264 found here."""
    return {k: v for k, v in os.environ.items() if not k.startswith("HISUI_")}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _head_and_tail(stream: IO[bytes]) -> str:
    size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    if size <= 2 * STDERR_LIMIT:
        return stream.read().decode("utf-8", "replace")
    head = stream.read(STDERR_LIMIT)
    stream.seek(size - STDERR_LIMIT)
    return (head + b"\n" + stream.read()).decode("utf-8", "replace")


def _read_json(stream: IO[bytes]) -> Any:
    size = stream.seek(0, os.SEEK_END)
    if not 0 < size <= JSON_LIMIT:
        return None
    stream.seek(0)
    try:
        return json.loads(stream.read())
    except (ValueError, RecursionError):
        return None


def _read_json_file(path: Path) -> Any:
    try:
        with path.open("rb") as stream:
            return _read_json(stream)
    except OSError:  # hisui wrote none
        return None
