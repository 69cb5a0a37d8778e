"""`sora-conformance run --list`: what would run, by clause, without running it."""
import subprocess
import sys


def test_list_shows_clauses_and_their_tests():
    done = subprocess.run([sys.executable, "-m", "sora_conformance.cli", "run", "--list"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0
    assert "REC-STOP-ON-DESTROY" in done.stdout and "test_recording_ends_when_session_is_destroyed" in done.stdout
    assert "clauses," in done.stdout.splitlines()[-1]


def test_list_honours_clause_selection():
    done = subprocess.run([sys.executable, "-m", "sora_conformance.cli", "run", "--list", "--clause", "BLOCK-AUTH"],
                          capture_output=True, text=True, timeout=120)
    lines = [l for l in done.stdout.splitlines() if not l.startswith(" ")]
    assert lines[0].startswith("BLOCK-AUTH") and lines[-1].startswith("1 clauses")
