"""Sora sends session.updated whenever its interval says (60 s by default): the suite must not care how many
arrive or when. Run it against an emulator that sends one every 0.2 s, serially and with xdist."""
import subprocess
import sys

import pytest

from sora_conformance.paths import REPO_ROOT

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("parallel", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_suite_passes_with_frequent_session_updated(parallel):
    command = [sys.executable, "-m", "pytest", str(REPO_ROOT / "suites"), "-q", "-p", "no:cacheprovider",
               "--no-conformance-report", "--emulator-session-updated-interval", "0.2", *parallel]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
