"""FILES-COMPOSE proves itself through the suite: it passes on the clean emulator's recordings and fails where the
emulator writes split offsets that overlap (hisui then drops every other piece without a word). Not under
--strict: there the split scenario stops at FILE-SPLIT-OFFSETS, judged before hisui runs, and FILES-COMPOSE
is left not judged; a should-level clause broken is `warn`."""
import json
import subprocess
import sys

import pytest

from sora_conformance.paths import REPO_ROOT

pytestmark = pytest.mark.slow


def compose_verdict(tmp_path, *args: str) -> str:
    command = [sys.executable, "-m", "pytest", str(REPO_ROOT / "suites"), "-q", "-p", "no:cacheprovider",
               "--clause", "FILES-COMPOSE", f"--report-dir={tmp_path}", *args]
    subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=REPO_ROOT)
    report = json.loads((tmp_path / "conformance-report.json").read_text())
    return next(c["verdict"] for c in report["clauses"] if c["id"] == "FILES-COMPOSE")


def test_hisui_composes_the_clean_emulators_recordings(tmp_path):
    assert compose_verdict(tmp_path) == "pass"


def test_split_pieces_hisui_drops_break_files_compose(tmp_path):
    assert compose_verdict(tmp_path, "--emulator-fault", "split-offsets-overlap") == "warn"
