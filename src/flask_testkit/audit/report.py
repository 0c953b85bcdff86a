"""The audit's output: a report grouped by rule for people, and JSON for machines."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import click

from flask_testkit.audit.findings import RULES, Finding

#: Bumped when a field changes meaning or disappears; new fields keep it.
FORMAT_VERSION = 1


@dataclass
class AuditResult:
    """Everything one audit found, and what it could not check."""

    app: str
    tests: str
    findings: list[Finding]
    #: rule id -> why it was not checked (left out of the run, or the run failed)
    not_checked: dict[str, str] = field(default_factory=dict)
    runs: list[tuple[str, float]] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    #: runs of a victim after part of the tests before it, to find what changes its outcome
    bisect_runs: int = 0
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def by_rule(self) -> dict[str, list[Finding]]:
        """Findings per rule, every rule present, each list in file order."""
        grouped: dict[str, list[Finding]] = {rule: [] for rule in RULES}
        for finding in sorted(self.findings, key=Finding.sort_key):
            grouped[finding.rule].append(finding)
        return grouped


def render(result: AuditResult, failing_rules: frozenset[str]) -> list[tuple[str, dict[str, Any]]]:
    """The terminal report as (line, click.style options) pairs."""
    lines: list[tuple[str, dict[str, Any]]] = [
        (f"flask-testkit audit of {result.tests} (app {result.app})", {"bold": True}),
    ]
    clean = []
    for rule_id, findings in result.by_rule().items():
        if rule_id in result.not_checked:
            continue
        if not findings:
            clean.append(rule_id)
            continue
        rule = RULES[rule_id]
        count = f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"
        fails = rule_id in failing_rules
        lines += [
            ("", {}),
            (f"{rule_id}: {count}", {"bold": True, "fg": "red" if fails else "yellow"}),
        ]
        lines.append((f"  The guide: {rule.guide}", {}))
        for finding in findings:
            lines.append((f"  {finding.where}: {finding.message}", {}))
            if finding.advice and finding.advice != rule.advice:
                lines.append((f"      instead: {finding.advice}", {"dim": True}))
        if any(not f.advice or f.advice == rule.advice for f in findings):
            lines.append((f"  Instead: {rule.advice}", {"fg": "green"}))
    lines.append(("", {}))
    if clean:
        lines.append((f"no findings: {', '.join(clean)}", {"fg": "green"}))
    for rule_id, reason in result.not_checked.items():
        lines.append((f"not checked: {rule_id} ({reason})", {"fg": "yellow"}))
    for note in result.notes:
        lines.append((f"note: {note}", {}))
    if result.runs:
        runs = ", ".join(f"{label} {seconds:.1f} s" for label, seconds in result.runs)
        if result.bisect_runs:
            runs += f"; {result.bisect_runs} runs to bisect"
        lines.append((f"runs: {runs}", {"dim": True}))
    lines.append((_total(result), {"bold": True}))
    return lines


def _total(result: AuditResult) -> str:
    counts = [f"{rule} {len(found)}" for rule, found in result.by_rule().items() if found]
    if not counts:
        return f"TOTAL: no findings ({result.seconds:.1f} s)"
    total = len(result.findings)
    noun = "finding" if total == 1 else "findings"
    return f"TOTAL: {total} {noun}: {', '.join(counts)} ({result.seconds:.1f} s)"


def echo_report(result: AuditResult, failing_rules: frozenset[str], err: bool = False) -> None:
    """Print the report; to stderr when stdout carries the JSON."""
    for text, style in render(result, failing_rules):
        click.secho(text, err=err, **style)


def report_data(result: AuditResult, failing_rules: frozenset[str]) -> dict[str, Any]:
    """The audit as JSON-ready data."""
    grouped = result.by_rule()
    return {
        "version": FORMAT_VERSION,
        "app": result.app,
        "tests": result.tests,
        "summary": {
            "findings": len(result.findings),
            "by_rule": {rule: len(found) for rule, found in grouped.items()},
            "failing": sorted({f.rule for f in result.findings if f.rule in failing_rules}),
            "seconds": round(result.seconds, 2),
        },
        "findings": [
            {
                "rule": finding.rule,
                "path": finding.path,
                "line": finding.line,
                "message": finding.message,
                "advice": finding.what_to_do,
            }
            for found in grouped.values()
            for finding in found
        ],
        "rules": {rule.id: {"guide": rule.guide, "advice": rule.advice} for rule in RULES.values()},
        "not_checked": result.not_checked,
        "runs": [{"label": label, "seconds": round(s, 2)} for label, s in result.runs],
        "seeds": result.seeds,
        "bisect_runs": result.bisect_runs,
        "notes": result.notes,
    }


def json_text(result: AuditResult, failing_rules: frozenset[str]) -> str:
    """The JSON document, indented, with a final newline."""
    return json.dumps(report_data(result, failing_rules), indent=2, ensure_ascii=False) + "\n"
