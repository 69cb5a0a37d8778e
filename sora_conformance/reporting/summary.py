"""conformance-report.json (for machines) and conformance-report.md (the clause matrix for people)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..scrub import scrub
from ..verdicts import ICON, Verdict
from .completeness import Incomplete
from .results import ClauseResult

HEADLINE = {"pass": "PASS", "fail": "FAIL", "incomplete": "INCOMPLETE (not a pass)"}


def summary_counts(clauses: list[ClauseResult]) -> dict[str, int]:
    return dict(Counter(c.verdict for c in clauses))


def could_not_judge(clauses: list[ClauseResult]) -> list[dict[str, str]]:
    """Tests that could not judge (verdict error), each once, with the one-line reason."""
    seen: dict[str, str] = {}
    for c in clauses:
        for t in c.tests:
            if t.verdict == Verdict.ERROR:
                seen[t.nodeid] = t.error or t.message or "error"
    return [{"nodeid": n, "reason": r} for n, r in seen.items()]


def build_report(meta: dict[str, Any], clauses: list[ClauseResult], not_covered: list[str], verdict: str,
                 reasons: list[str], leaks: list[str], incomplete: Incomplete | None = None, *,
                 notes: list[dict[str, str]] | None = None,
                 causes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    errors = could_not_judge(clauses)
    broken = [c.id for c in clauses if c.verdict == Verdict.FAIL]
    # the one-line reasons and failure titles may quote the target, which may echo a secret it was sent
    return scrub(meta | {
        "verdict": verdict, "incomplete": incomplete.as_dict() if incomplete else None, "gate_reasons": reasons,
        "summary": {"clauses": len(clauses), **summary_counts(clauses),
                    "tests": len({t.nodeid for c in clauses for t in c.tests}),
                    "clauses_broken_by_target": len(broken), "tests_could_not_judge": len(errors)},
        "causes": causes or [], "could_not_judge": errors,
        "clauses": [c.as_dict() for c in clauses], "clauses_without_tests": not_covered, "leaks": leaks,
        "harness_notes": notes or []})


def write_json(path: Path, report: dict[str, Any]) -> None:
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def render_markdown(report: dict[str, Any]) -> str:
    target = report.get("target", {})
    lines = [f"# Sora recording conformance: {HEADLINE.get(report['verdict'], report['verdict'].upper())}", ""]
    incomplete = report.get("incomplete")
    if incomplete:
        lines += [f"**The run is incomplete ({incomplete['reason']})**: {len(incomplete['tests_not_run'])} of "
                  f"{incomplete['tests_total']} tests did not run. Clauses not judged: "
                  + (", ".join(incomplete["clauses_not_judged"]) or "unknown (see the tests below)"), ""]
        lines += [f"- not run: `{n}`" for n in incomplete["tests_not_run"][:50]] + [""]
    lines += [
             f"- Target: {target.get('description', '?')}",
             f"- Profile: {report.get('profile', {}).get('name', '?')}",
             f"- Suite: {report['suite']['name']} {report['suite']['version']}",
             f"- Run: {report.get('started')} → {report.get('finished')}", ""]
    for cause in report.get("causes", []):
        lines.append(f"**{cause['remedy']}** ({len(cause['tests'])} tests; the first said: {cause['example']}):")
        lines += [f"- `{n}`" for n in cause["tests"][:50]] + [""]
    counts = report["summary"]
    lines.append("Clauses: " + ", ".join(f"{counts[k]} {k}" for k in ICON if counts.get(k)) +
                 f" ({counts['tests']} tests)")
    lines.append(f"The target broke {counts.get('clauses_broken_by_target', 0)} clauses; "
                 f"{counts.get('tests_could_not_judge', 0)} tests could not judge (harness or reachability).")
    explained = {n for cause in report.get("causes", []) for n in cause["tests"]}
    for error in report.get("could_not_judge", []):
        if error["nodeid"] not in explained:  # said once above, with its remedy
            lines.append(f"- could not judge `{error['nodeid']}`: {error['reason']}")
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
        cause_of = {n: cause["cause"] for cause in report.get("causes", []) for n in cause["tests"]}
        for clause, t in problems:
            lines.append(f"- **{clause}** `{t['nodeid']}`: {t['verdict']}")
            if t["nodeid"] in cause_of:
                lines.append(f"  - {cause_of[t['nodeid']]} (said once above, with what to check)")
            elif t.get("message"):
                lines.append(f"  - {t['message'].splitlines()[0][:300]}")
            for u in t.get("unsupported", [])[:5]:
                lines.append(f"  - unsupported [{u.get('clause')}]: {u.get('message', '')[:300]}")
            for w in t.get("warnings", [])[:5]:
                lines.append(f"  - warning [{w.get('clause')}]: {w.get('message', '')[:300]}")
    notes = report.get("harness_notes") or []
    if notes:
        lines += ["", "## Harness notes (not verdicts)", "",
                  "What went wrong around the tests without judging any clause (e.g. cleanup):", ""]
        lines += [f"- `{n['nodeid']}`: {n['note'][:300]}" for n in notes[:50]]
    if report.get("clauses_without_tests"):
        lines += ["", "Clauses with no scenario in this run: " + ", ".join(report["clauses_without_tests"])]
    return "\n".join(lines) + "\n"
