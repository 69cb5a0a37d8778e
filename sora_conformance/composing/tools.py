"""Where hisui and the OpenH264 library it loads for H.264 are on this machine.

hisui is a dependency (its PyPI wheel puts the binary next to the Python that installed it); OpenH264 is
Debian's `libopenh264-7` (`make openh264`), which hisui loads only when given its path (`--openh264`).
"""
from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

# Debian / Ubuntu multiarch, then other common library directories; the first match is used
OPENH264_PATTERNS = ("/usr/lib/*-linux-gnu/libopenh264.so.*", "/usr/lib64/libopenh264.so.*",
                     "/usr/lib/libopenh264.so.*", "/usr/local/lib/libopenh264.so.*")
INSTALL_HISUI = "pip install hisui (Python 3.12 or later), or give --hisui PATH"
INSTALL_OPENH264 = "install Debian's libopenh264-7 (make openh264, as root) or give --openh264 PATH"


class HisuiUnavailable(Exception):
    """hisui cannot judge here (missing, not runnable, or lacking a decoder the files need): unsupported, with
    this reason; never a verdict on the target."""


@dataclass(frozen=True)
class HisuiTool:
    """A hisui binary and, if found, the OpenH264 library to hand it."""

    binary: Path
    openh264: Path | None = None

    def openh264_args(self) -> list[str]:
        return ["--openh264", str(self.openh264)] if self.openh264 is not None else []


def find_hisui(explicit: Path | None = None) -> Path:
    """The hisui binary: `explicit`, else the one beside this Python (the wheel's), else on PATH."""
    if explicit is not None:
        if not explicit.is_file():
            raise HisuiUnavailable(f"hisui not found at {explicit} (--hisui)")
        return explicit
    beside = Path(sys.executable).parent / "hisui"
    if beside.is_file():
        return beside
    on_path = shutil.which("hisui")
    if on_path is None:
        raise HisuiUnavailable(f"hisui not found beside {sys.executable} or on PATH: {INSTALL_HISUI}")
    return Path(on_path)


def find_openh264(explicit: Path | None = None) -> Path | None:
    """The OpenH264 shared library: `explicit` (which must exist), else Debian's; None when there is none
    (H.264 then cannot be decoded, and H.264 recordings are unsupported by hisui here)."""
    if explicit is not None:
        if not explicit.is_file():
            raise HisuiUnavailable(f"OpenH264 not found at {explicit} (--openh264)")
        return explicit
    for pattern in OPENH264_PATTERNS:
        found = sorted(Path("/").glob(pattern.lstrip("/")), key=lambda p: (len(p.name), p.name))
        if found:
            return found[0]  # the shortest name: the soname link (libopenh264.so.7), not the versioned file
    return None


def locate(hisui: Path | None = None, openh264: Path | None = None) -> HisuiTool:
    """Both at once; raises HisuiUnavailable when hisui itself is missing."""
    return HisuiTool(find_hisui(hisui), find_openh264(openh264))
