"""hisui's runner under test: a stub hisui (a shell script) for the failure paths, the real one on the WebM Sora
itself wrote (read at run time from <repo>/../shared/real, never copied into the repository)."""
import json
import shutil
from pathlib import Path

import pytest

from sora_conformance.composing.runner import Hisui
from sora_conformance.composing.tools import HisuiTool, find_openh264, locate


@pytest.fixture
def real_sora_webm(real) -> Path:
    """hisui's testdata archive-black-silent.webm: 2.9 s of VP8 640x480 + Opus, written by Sora."""
    return real / "hisui" / "archive-black-silent.webm"


@pytest.fixture
def hisui() -> Hisui:
    return Hisui(locate())


@pytest.fixture
def openh264() -> Path:
    found = find_openh264()
    if found is None:
        pytest.skip("no OpenH264 library here (make openh264)")
    return found


def stub_hisui(tmp_path: Path, script: str, multiplier: float = 1.0) -> Hisui:
    """A hisui that runs `script` (sh), whatever it is asked."""
    binary = tmp_path / "hisui"
    binary.write_text("#!/bin/sh\n" + script + "\n")
    binary.chmod(0o755)
    return Hisui(HisuiTool(binary), multiplier)


def recording(directory: Path, media: Path, pieces: dict[str, tuple[int, int]], fmt: str = "webm") -> Path:
    """A recording directory in Sora's shape: for each name (`archive-CID`, `split-archive-CID_0001`) a copy of
    `media` and its JSON with the given whole-second offsets, as hisui reads them."""
    directory.mkdir(parents=True, exist_ok=True)
    for stem, (start, stop) in pieces.items():
        cid = stem.removeprefix("split-").removeprefix("archive-").split("_")[0]
        shutil.copyfile(media, directory / f"{stem}.{fmt}")
        meta = {"connection_id": cid, "format": fmt, "audio": True, "video": True,
                "start_time_offset": start, "stop_time_offset": stop}
        (directory / f"{stem}.json").write_text(json.dumps(meta))
    (directory / "report-REC.json").write_text(json.dumps({"recording_id": "REC", "archives": []}))
    return directory
