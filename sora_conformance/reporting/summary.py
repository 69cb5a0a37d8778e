"""conformance-report.json (for machines) and conformance-report.md (the clause matrix for people)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from .results import ClauseResult

ICON = {"pass": "✅ pass", "fail": "❌ fail", "error": "❌ error", "warn": "⚠️ warn", "unsupported": "➖ unsupported",
        "known-failure": "🟡 known-failure", "stale-expectation": "❌ stale-expectation"}


def summary_counts(clauses: list[ClauseResult]) -> dict[str, int]:
    return dict(Counter(c.verdict for c in clauses))


def build_report(meta: dict[str, Any], clauses: list[ClauseResult], not_covered: list[str], passed_gate: bool,
                 reasons: list[str], leaks: list[str]) -> dict[str, Any]:
    return meta | {"verdict": "pass" if passed_gate else "fail", "gate_reasons": reasons,
                   "summary": {"clauses": len(clauses), **summary_counts(clauses),
                               "tests": sum(len(c.tests) for c in clauses)},
                   "clauses": [c.as_dict() for c in clauses], "clauses_without_tests": not_covered, "leaks": leaks}


def write_json(path: Path, report: dict[str, Any]) -> None:
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def render_markdown(report: dict[str, Any]) -> str:
    target = report.get("target", {})
    lines = [f"# Sora recording conformance: {'PASS' if report['verdict'] == 'pass' else 'FAIL'}", "",
             f"- Target: {target.get('description', '?')}",
             f"- Profile: {report.get('profile', {}).get('name', '?')}",
             f"- Suite: {report['suite']['name']} {report['suite']['version']}",
             f"- Run: {report.get('started')} → {report.get('finished')}", ""]
    counts = report["summary"]
    lines.append("Clauses: " + ", ".join(f"{counts[k]} {k}" for k in ICON if counts.get(k)) +
                 f" ({counts['tests']} tests)")
    if report["gate_reasons"]:
        lines += ["", "Why the gate failed:", *[f"- {r}" for r in report["gate_reasons"]]]
    lines += ["", "| Clause | Level | Evidence | Verdict | Tests | Statement |", "|---|---|---|---|---|---|"]
    for c in report["clauses"]:
        statement = c["statement"].replace("|", "\\|")
        lines.append(f"| {c['id']} | {c['level']} | {c['evidence']} | {ICON.get(c['verdict'], c['verdict'])} "
                     f"| {len(c['tests'])} | {statement} |")
    problems = [(c["id"], t) for c in report["clauses"] for t in c["tests"] if t["verdict"] not in ("pass",)]
    if problems:
        lines += ["", "## Details", ""]
        for clause, t in problems:
            lines.append(f"- **{clause}** `{t['nodeid']}`: {t['verdict']}")
            if t.get("message"):
                lines.append(f"  - {t['message'].splitlines()[0][:300]}")
            for w in t.get("warnings", [])[:5]:
                lines.append(f"  - warning [{w.get('clause')}]: {w.get('message', '')[:300]}")
    if report.get("clauses_without_tests"):
        lines += ["", "Clauses with no scenario in this run: " + ", ".join(report["clauses_without_tests"])]
    return "\n".join(lines) + "\n"
