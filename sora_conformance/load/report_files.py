"""The load report as files: load-report.json (for machines), load-report.md (for people) and Allure results
(one test per clause judged under load, one for failed archives, one for the run's completeness)."""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Attachment, Label, Parameter, Status, StatusDetails, TestResult

from ..scrub import scrub
from ..verdicts import ICON
from .report import LoadTally, clause_rows, failing_reasons, incomplete_reasons, percentiles

HEADLINE = {"pass": "PASS", "fail": "FAIL", "incomplete": "INCOMPLETE (not a pass)"}


def build(found: LoadTally, agents: list[dict[str, Any]], expected_agents: int, meta: dict[str, Any],
          leaks: list[str]) -> dict[str, Any]:
    incomplete = incomplete_reasons(found, agents, expected_agents, meta.get("run", {}))
    failing = failing_reasons(found, agents, leaks)
    verdict = "incomplete" if incomplete else "fail" if failing else "pass"
    steps = {step: percentiles(values) | {"failed": found.failed_steps.get(step, 0)}
             for step, values in found.steps.items()}
    for step, count in found.failed_steps.items():
        steps.setdefault(step, {"count": 0, "failed": count})
    return scrub(meta | {
        "verdict": verdict, "incomplete_reasons": incomplete, "failing_reasons": failing,
        "sessions": {"started": found.sessions, "judged": found.judged, "abandoned": found.abandoned,
                     "could_not_judge": found.errors[:20], "could_not_judge_count": len(found.errors)},
        "clauses": clause_rows(found), "steps": steps,
        "failed_archives": {"count": found.failed_archive_count, "entries": found.failed_archives},
        "leaks": leaks, "agents": agents})


def write_json(path: Path, report: dict[str, Any]) -> None:
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def render_markdown(report: dict[str, Any]) -> str:
    load, sessions, run = report["load"], report["sessions"], report["run"]
    lines = [f"# Sora recording conformance under load: {HEADLINE[report['verdict']]}", "",
             f"- Target: {report['target'].get('description')} (channels {report['target'].get('channel_prefix')}*)",
             f"- Load: {load['sessions']} concurrent recorded sessions of {load['clients']} sendonly clients, "
             f"{load['hold']} s held, for {load['run_time']} s on {load['locust_processes']}; starts "
             f"{'/'.join(load['starts'])}, outputs {'/'.join(load['outputs'])}, formats {'/'.join(load['formats'])}",
             f"- Machine: {report['machine']['cpus']} CPUs, 1-minute load average {report['machine']['load_start']} "
             f"at the start, {report['machine']['load_end']} at the end",
             f"- Run: {run['started']} → {run['finished']}",
             f"- Sessions: {sessions['started']} started, {sessions['judged']} judged, {sessions['abandoned']} "
             f"abandoned, {sessions['could_not_judge_count']} could not be judged", ""]
    for title, reasons in (("Why the run is incomplete", report["incomplete_reasons"]),
                           ("Why the run fails", report["failing_reasons"])):
        if reasons:
            lines += [f"{title}:", *[f"- {r}" for r in reasons], ""]
    lines += ["| Clause | Level | Verdict | Recordings judged | Passed | Failed | Warned | Could not judge |",
              "|---|---|---|---|---|---|---|---|"]
    for c in report["clauses"]:
        lines.append(f"| {c['id']} | {c['level']} | {ICON.get(c['verdict'], c['verdict'])} | {c['judged']} | "
                     f"{c['passed']} | {c['failed']} | {c['warned']} | {c['errors'] + c['not_judged']} |")
    lines += ["", "| Step | Count | p50 | p90 | p95 | p99 | max | Failed |", "|---|---|---|---|---|---|---|---|"]
    for step, f in report["steps"].items():
        cells = " | ".join(f"{f[k] * 1000:.0f} ms" if k in f else "-" for k in ("p50", "p90", "p95", "p99", "max"))
        lines.append(f"| {step} | {f.get('count', 0)} | {cells} | {f['failed']} |")
    failures = [c for c in report["clauses"] if c["first_failure"]]
    if failures:
        lines += ["", "## First failing recording of each clause", ""]
        for c in failures:
            f = c["first_failure"]
            lines += [f"- **{c['id']}** ({f['verdict']}) recording `{f['recording_id']}` in `{f['channel']}`: "
                      f"{(f['message'] or '').splitlines()[0][:300]}"]
            if f.get("evidence"):
                lines.append(f"  - evidence: `{f['evidence'][:500]}`")
    archives = report["failed_archives"]
    if archives["count"]:
        lines += ["", f"## Failed archives ({archives['count']})", ""]
        lines += [f"- recording `{a['recording_id']}` connection `{a['connection_id']}`: "
                  + ("archive.failed came" if a["archive.failed"] is not None else "no archive.failed came")
                  for a in archives["entries"]]
        lines.append("  (each entry and its archive.failed data are in load-report.json)")
    lines += ["", "## Resources", "", f"```json\n{json.dumps(report['resources'], indent=2)}\n```"]
    if report["leaks"]:
        lines += ["", "## Leaks", "", *[f"- {leak}" for leak in report["leaks"]]]
    return "\n".join(lines) + "\n"


def write_allure(directory: Path, report: dict[str, Any]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    logger = AllureFileLogger(str(directory))
    now = int(time.time() * 1000)
    for c in report["clauses"]:
        result = _result(f"{c['id']} under load", "clauses", now)
        result.status = Status.FAILED if c["failed"] else Status.BROKEN if c["errors"] else Status.PASSED
        result.parameters += [Parameter(name=k, value=str(c[k])) for k in ("judged", "passed", "failed", "warned")]
        result.labels.append(Label(name="tag", value=c["id"]))
        if c["first_failure"]:
            f = c["first_failure"]
            result.statusDetails = StatusDetails(message=f"{f['verdict']}: {f['message']}")
            _attach(logger, result, "first failing recording", json.dumps(f, indent=2, ensure_ascii=False))
        logger.report_result(result)
    archives = report["failed_archives"]
    result = _result("no archive failed", "recordings", now)
    result.status = Status.FAILED if archives["count"] else Status.PASSED
    if archives["count"]:
        result.statusDetails = StatusDetails(message=f"{archives['count']} archives in failed_archives")
        _attach(logger, result, "failed archives", json.dumps(archives, indent=2, ensure_ascii=False))
    logger.report_result(result)
    result = _result("every session started was judged", "run", now)
    result.status = Status.BROKEN if report["incomplete_reasons"] else Status.PASSED
    if report["incomplete_reasons"]:
        result.statusDetails = StatusDetails(message="; ".join(report["incomplete_reasons"]))
    _attach(logger, result, "steps", json.dumps(report["steps"], indent=2))
    logger.report_result(result)


def _result(name: str, suite: str, now: int) -> TestResult:
    result = TestResult(name=name, fullName=f"sora-conformance load.{suite}.{name}", uuid=str(uuid.uuid4()),
                        historyId=f"load.{name}", start=now, stop=now)
    result.labels += [Label(name="parentSuite", value="load"), Label(name="suite", value=suite),
                      Label(name="feature", value="load"), Label(name="framework", value="sora-conformance load")]
    return result


def _attach(logger: AllureFileLogger, result: TestResult, name: str, body: str) -> None:
    source = f"{uuid.uuid4()}-attachment.json"
    result.attachments.append(Attachment(name=name, source=source, type="application/json"))
    logger.report_attached_data(body=body.encode("utf-8"), file_name=source)
