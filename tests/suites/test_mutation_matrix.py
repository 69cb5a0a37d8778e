"""The suite proves itself: it passes against the clean emulator and fails against every seeded fault,
in the tests of the clause that fault breaks."""
import json
import re
import subprocess
import sys

import pytest

from sora_conformance.catalogue import load_catalogue
from sora_conformance.paths import REPO_ROOT
from sora_emulator.faults import FAULTS

pytestmark = pytest.mark.slow
ROWS: list[tuple[str, str, str, str]] = []


def run_suite(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    if not any(a.startswith("--report-dir") for a in args):
        args = ("--no-conformance-report", *args)
    command = [sys.executable, "-m", "pytest", str(REPO_ROOT / "suites"), "-q", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT)


def summary(output: str) -> str:
    lines = [l for l in output.strip().splitlines() if re.search(r"\d+ (passed|failed|error)", l)]
    return lines[-1].strip("= ") if lines else output.strip().splitlines()[-1:][0] if output.strip() else "no output"


@pytest.fixture(scope="module", autouse=True)
def matrix_table(request):
    yield
    if not ROWS:
        return
    lines = ["| fault | clause | result | tests |", "|---|---|---|---|"]
    lines += [f"| {f} | {c} | {r} | {s} |" for f, c, r, s in ROWS]
    out = REPO_ROOT / "reports"
    out.mkdir(exist_ok=True)
    (out / "mutation-matrix.md").write_text("# Mutation matrix\n\n" + "\n".join(lines) + "\n")
    writer = request.config.pluginmanager.get_plugin("terminalreporter")
    if writer is not None:
        writer.write_line("")
        for line in lines:
            writer.write_line(line)


def test_suite_passes_against_the_clean_emulator():
    done = run_suite("-n", "2")
    ROWS.append(("(none)", "all", "PASS" if done.returncode == 0 else "FAIL", summary(done.stdout)))
    assert done.returncode == 0, done.stdout[-3000:]


def caught_by_clause(fault: str, tmp_path, *selection: str, label: str = "") -> None:
    """Caught means the fault's own clause is judged `fail`: an error (could not judge) is not a catch."""
    clause = FAULTS[fault].clause
    strict = ["--strict"] if load_catalogue().get(clause).enforced_level != "must" else []
    done = run_suite("--clause", clause, "--emulator-fault", fault, "--timeout-multiplier", "0.3",
                     f"--report-dir={tmp_path}", *strict, *selection)
    report = json.loads((tmp_path / "conformance-report.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in report["clauses"]}
    caught = done.returncode == 1 and verdicts.get(clause) == "fail"
    ROWS.append((fault + label, clause, "caught" if caught else "MISSED", summary(done.stdout)))
    assert caught, f"{fault}{label} ({clause}) was not caught:\n{done.stdout[-3000:]}"


@pytest.mark.parametrize("fault", sorted(FAULTS), ids=str)
def test_fault_is_caught_by_its_clause_tests(fault, tmp_path):
    caught_by_clause(fault, tmp_path)


FORMAT_INDEPENDENT = {"MEDIA-BLOCKED-ABSENT"}  # decided before a container is written: WebM scenarios only
MP4_FAULTS = sorted(f for f, fault in FAULTS.items()
                    if load_catalogue().get(fault.clause).area == "media" and fault.clause not in FORMAT_INDEPENDENT)


@pytest.mark.parametrize("fault", MP4_FAULTS, ids=str)
def test_media_fault_is_caught_on_mp4_archives_alone(fault, tmp_path):
    """The writer's scenarios run on WebM and on MP4: their MP4 runs alone must catch each writer fault too."""
    caught_by_clause(fault, tmp_path, "-k", "mp4", label=" (mp4 only)")
