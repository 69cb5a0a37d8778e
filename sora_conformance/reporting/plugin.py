"""Report-writing pytest plugin: Allure labels per clause, progress per clause, the conformance summary,
and the exit code that follows the verdict. It only reads what tests report; it never drives a run."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .. import __version__
from ..catalogue import load_catalogue
from ..markers import clauses_of
from ..run_facts import PROFILE, TARGET, leaks_of_run
from ..verdicts import worst
from ..scrub import scrub
from . import summary
from .causes import repeated_causes
from .completeness import Completeness
from .results import TestResult, clause_results, gate, harness_notes, verdict_for_clause

SEVERITY = {"must": "critical", "should": "normal", "info": "minor"}
COLLECTED = "sora_collected_clauses"  # a worker's first test report carries every collected test's clauses


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("sora-conformance reports")
    g.addoption("--report-dir", default="reports", help="where conformance-report.json/.md go (default reports)")
    g.addoption("--no-conformance-report", action="store_true", help="write no conformance report")


class ConformanceReporter:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.tests: dict[str, TestResult] = {}
        self.started = dt.datetime.now(dt.timezone.utc)
        self.t0 = time.monotonic()
        self.expected_per_clause: dict[str, int] = {}
        self.announced: set[str] = set()
        self.completeness = Completeness()
        self.collection_sent = False
        self.notes: list[dict[str, str]] = []
        self.causes: list[dict[str, Any]] = []

    # --- gathering ------------------------------------------------------------------------------------
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """What the run set out to judge (after --clause / -k selection)."""
        for item in session.items:
            clauses = clauses_of(item)
            self.completeness.expect(item.nodeid, clauses)
            for clause in clauses:
                self.expected_per_clause[clause] = self.expected_per_clause.get(clause, 0) + 1

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self.completeness.expect_ids(ids)  # the controller collects nothing itself under xdist

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
        """An xdist worker hands the controller what it collected, on its first test report: a report's own
        attributes travel with it (never into junit.xml, unlike user_properties)."""
        report: Any = yield
        if hasattr(self.config, "workerinput") and not self.collection_sent:
            setattr(report, COLLECTED, dict(self.completeness.expected))
            self.collection_sent = True
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        collected = getattr(report, COLLECTED, None)
        if isinstance(collected, dict) and not hasattr(self.config, "workerinput"):
            self.completeness.learn_clauses(collected)
        props = dict(report.user_properties)
        if not props and report.when != "call":
            return
        test = self.tests.setdefault(report.nodeid, TestResult(report.nodeid))
        message: str | None = None
        if report.failed:
            lines = (report.longreprtext or "").strip().splitlines()
            message = str(props.get("error") or props.get("failure") or (lines[-1] if lines else "")) or None
        elif report.skipped:
            message = getattr(report, "wasxfail", None) or (str(report.longrepr[-1]) if isinstance(
                report.longrepr, tuple) else None)
        test.absorb(report.when, report.outcome, report.duration, props, message)
        if props.get("verdict"):
            self.completeness.judged(report.nodeid, test.clauses)
        if report.when == "teardown":
            self._announce_finished_clauses()

    def _announce_finished_clauses(self) -> None:
        if not self.expected_per_clause:
            return
        done: dict[str, list[TestResult]] = {}
        for test in self.tests.values():
            for clause in test.clauses:
                done.setdefault(clause, []).append(test)
        writer = self.config.pluginmanager.get_plugin("terminalreporter")
        for clause, tests in done.items():
            if clause in self.announced or len(tests) < self.expected_per_clause.get(clause, 1 << 30):
                continue
            self.announced.add(clause)
            level = load_catalogue().get(clause).level
            verdict = worst([verdict_for_clause(clause, t) for t in tests])
            line = (f"[clause] {clause:<30} {level:<6} {verdict.upper():<18} {len(tests)} tests "
                    f"{sum(t.duration for t in tests):.1f}s")
            if writer is not None and self.config.getoption("verbose") >= 0:
                writer.write_line(line)

    # --- Allure labels ----------------------------------------------------------------------------------
    @pytest.fixture(autouse=True)
    def _clause_labels(self, request: pytest.FixtureRequest) -> Iterator[None]:
        label_test(request.node)
        yield

    # --- the summary -------------------------------------------------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.config.option.collectonly:
            return  # nothing was meant to run
        if hasattr(self.config, "workerinput"):
            return  # an xdist worker: the controller writes the report from the forwarded results
        if not self.completeness.conformance_run and not any(t.clauses for t in self.tests.values()):
            return  # not a conformance run (e.g. the project's own tests)
        report_dir = Path(self.config.getoption("report_dir"))
        leaks = leaks_of_run(self.config)
        catalogue = load_catalogue()
        clauses = clause_results(catalogue, list(self.tests.values()))
        strict = bool(self.config.getoption("strict"))
        passed, reasons = gate(clauses, strict, leaks)
        incomplete = self.completeness.incomplete(int(exitstatus), session)
        self.notes = harness_notes(list(self.tests.values()))
        self.causes = self.repeated_causes()
        verdict = "incomplete" if incomplete else "pass" if passed else "fail"
        if not self.config.getoption("no_conformance_report"):
            covered = {c.id for c in clauses}
            not_covered = [c.id for c in catalogue if c.id not in covered and "scenario" in c.coverage]
            report = summary.build_report(self.meta(), clauses, not_covered, verdict, reasons, leaks, incomplete,
                                          notes=self.notes, causes=self.causes)
            report_dir.mkdir(parents=True, exist_ok=True)
            summary.write_json(report_dir / "conformance-report.json", report)
            (report_dir / "conformance-report.md").write_text(summary.render_markdown(report), encoding="utf-8")
        if int(exitstatus) == 0 and verdict != "pass":  # never lowers pytest's own status (errors stay errors)
            session.exitstatus = 1
        self.reasons = ([incomplete.headline()] if incomplete else []) + reasons
        self.verdict = verdict

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not hasattr(self, "verdict"):
            return
        terminalreporter.write_sep("=", f"sora recording conformance: {self.verdict.upper()}")
        for cause in self.causes:  # each said once, with its remedy; the gate's reasons below name it
            terminalreporter.write_line(f"  {cause['remedy']} ({len(cause['tests'])} tests)")
        for reason in self.reasons:
            terminalreporter.write_line(f"  {reason}")
        if self.notes:
            terminalreporter.write_line(f"  {len(self.notes)} harness notes (not verdicts), e.g. "
                                        f"{self.notes[0]['nodeid']}: {self.notes[0]['note'][:200]}")
        if not self.config.getoption("no_conformance_report"):
            terminalreporter.write_line(f"  report: {Path(self.config.getoption('report_dir')) / 'conformance-report.md'}")

    def repeated_causes(self) -> list[dict[str, Any]]:
        tests = list(self.tests.values())
        seen = {endpoint for t in tests for endpoint in t.webhook_endpoints}
        target = self.config.stash.get(TARGET, {})
        return scrub(repeated_causes([(t.nodeid, t.why_stopped) for t in tests], seen, target))

    def meta(self) -> dict[str, Any]:
        target = self.config.stash.get(TARGET, {"description": "embedded emulator"})
        profile = self.config.stash.get(PROFILE, {})
        return {"suite": {"name": "sora-recording-conformance", "version": __version__},
                "target": target, "profile": profile, "strict": bool(self.config.getoption("strict")),
                "started": self.started.isoformat(timespec="seconds"),
                "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "duration_s": round(time.monotonic() - self.t0, 2)}


def label_test(item: pytest.Item) -> None:
    """Allure labels from the clause markers: feature = area, story = clause, severity from the level."""
    try:
        import allure
    except ImportError:
        return
    ids = clauses_of(item)
    catalogue = load_catalogue()
    clauses = [catalogue.get(i) for i in ids if i in catalogue]
    if not clauses:
        return
    first = clauses[0]
    try:
        allure.dynamic.feature(first.area)
        for clause in clauses:
            allure.dynamic.story(clause.id)
            allure.dynamic.label("spec_clause", clause.id)
            allure.dynamic.link(clause.source_url, name=f"{clause.id} source")
        allure.dynamic.severity(getattr(allure.severity_level, SEVERITY[first.level].upper()))
        allure.dynamic.tag(first.level)
        allure.dynamic.description("\n\n".join(
            f"**{c.id}** ({c.level}, evidence {c.evidence}): {c.statement}\n\nSource: {c.source}" for c in clauses))
    except Exception:  # labels are decoration: never fail a test over them
        pass


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(ConformanceReporter(config), "sora-conformance-reporter")
