"""`sora-conformance run`: the suite with the right plugins and outputs, then the HTML report."""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from types import FrameType

from ..paths import REPO_ROOT

HELP = "run the conformance suite (embedded emulator unless a target is given) and write reports/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="show the clauses and tests that would run, run nothing")
    parser.add_argument("--report-dir", type=Path, default=Path("reports"), help="where reports go (default reports)")
    parser.add_argument("--no-html", action="store_true", help="skip the Allure HTML report")
    parser.set_defaults(pytest_args=[])  # every other option goes to pytest (--sora-api-url, -n 2, ...)


def suites_dir() -> Path:
    return REPO_ROOT / "suites"


def pytest_command(args: argparse.Namespace, extra: list[str]) -> list[str]:
    results = args.report_dir / "allure-results"
    return [sys.executable, "-m", "pytest", str(suites_dir()), "-p", "allure_pytest", f"--alluredir={results}",
            "--clean-alluredir", f"--junitxml={args.report_dir / 'junit.xml'}", f"--report-dir={args.report_dir}",
            "-o", "console_output_style=classic", *extra]


def list_tests(args: argparse.Namespace, extra: list[str]) -> int:
    from ..catalogue import load_catalogue

    done = subprocess.run([sys.executable, "-m", "pytest", str(suites_dir()), "--collect-only", "-q",
                           "--no-conformance-report", "-p", "sora_conformance.commands._list_hook", *extra],
                          capture_output=True, text=True, cwd=REPO_ROOT)
    by_clause: dict[str, list[str]] = defaultdict(list)
    for line in done.stdout.splitlines():
        if line.startswith("CLAUSES "):
            nodeid, _, clauses = line[len("CLAUSES "):].partition(" ")
            for clause_id in clauses.split(","):
                by_clause[clause_id].append(nodeid)
    if done.returncode not in (0, 5) and not by_clause:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
        return 2
    catalogue = load_catalogue()
    total = len({n for tests in by_clause.values() for n in tests})
    for clause in catalogue:
        if clause.id in by_clause:
            print(f"{clause.id}  ({clause.level}, {clause.evidence})  {clause.statement}")
            for nodeid in by_clause[clause.id]:
                print(f"    {nodeid}")
    print(f"{len(by_clause)} clauses, {total} tests")
    return 0


CLEANUP_GRACE = 60.0  # seconds the suite gets to close its sessions and write its reports after Ctrl-C
PYTEST_USAGE_ERROR = 4


def run_child(command: list[str]) -> tuple[int, int | None]:
    """Runs pytest; SIGINT / SIGTERM are passed on to it (its cleanup and reports still run), and it gets a
    bounded time to finish. Returns (pytest's exit code, the signal that stopped us or None)."""
    # Its own process group: a terminal's Ctrl-C reaches only us, and the child gets exactly one SIGINT from us
    # (a second one would cut pytest's cleanup short).
    child = subprocess.Popen(command, process_group=0)
    received: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        if not received:
            print(f"sora-conformance: {signal.Signals(signum).name}: stopping the suite; cleaning up and writing "
                  f"reports (up to {CLEANUP_GRACE:.0f} s)", file=sys.stderr, flush=True)
        received.append(signum)
        if child.poll() is None:
            child.send_signal(signal.SIGINT)  # pytest turns SIGINT into a clean, reported interruption

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while True:
            try:
                code = child.wait(timeout=CLEANUP_GRACE if received else None)
                break
            except subprocess.TimeoutExpired:
                print("sora-conformance: the suite did not finish its cleanup in time; killed", file=sys.stderr)
                child.kill()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return code, (received[0] if received else None)


def run(args: argparse.Namespace) -> int:
    extra = [a for a in args.pytest_args if a != "--"]
    if args.list:
        return list_tests(args, extra)
    args.report_dir.mkdir(parents=True, exist_ok=True)
    report = args.report_dir / "conformance-report.json"
    report.unlink(missing_ok=True)  # what is there after the run is this run's
    code, stopped_by = run_child(pytest_command(args, extra))
    if code == PYTEST_USAGE_ERROR:
        return 2  # pytest has printed the one line; ours is the documented usage-error code
    if not args.no_html and stopped_by is None and code in (0, 1):
        make_html(args.report_dir)
    written = [name for name in ("conformance-report.md", "conformance-report.json", "junit.xml",
                                 "allure-report/index.html") if (args.report_dir / name).exists()]
    if report.exists():
        print(f"sora-conformance: reports in {args.report_dir}/ ({', '.join(written)})")
    else:
        print("sora-conformance: no conformance report was written (the suite stopped before any test ran)",
              file=sys.stderr)
    if stopped_by is not None:
        return 128 + stopped_by  # 130 for SIGINT, 143 for SIGTERM
    return code


def make_html(report_dir: Path) -> None:
    """Failing to draw the report never hides the verdict: it is reported and the run's exit code stands."""
    from ..reporting.allure_html import AllureUnavailable, generate

    try:
        index = generate(report_dir / "allure-results", report_dir / "allure-report")
        print(f"sora-conformance: Allure report {index}")
    except (AllureUnavailable, RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"sora-conformance: no HTML report: {exc}", file=sys.stderr)
