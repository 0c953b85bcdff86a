"""The JSON output: the report's data for machines, and the records that `combine` merges."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from flask_testkit.endpoint_coverage.exemptions import Exemption

if TYPE_CHECKING:
    from pathlib import Path

    from flask_testkit.endpoint_coverage.records import Records
    from flask_testkit.endpoint_coverage.report import Report

#: Bumped when a field changes meaning or disappears; new fields keep it.
FORMAT_VERSION = 1


def _statuses(tests_by_status: Mapping[int, tuple[str, ...]]) -> dict[str, list[str]]:
    return {str(status): list(tests) for status, tests in tests_by_status.items()}


def _exemption(exemption: Exemption) -> dict[str, str]:
    return {"method": exemption.method, "rule": exemption.rule, "reason": exemption.reason}


def report_data(
    report: Report,
    records: Records | None = None,
    exemptions: Iterable[Exemption] = (),
    include_implicit: bool = False,
) -> dict[str, Any]:
    """The report as JSON-ready data: summary, endpoints, unmatched requests, raw records."""
    data: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "summary": {
            "endpoints": len(report.rows),
            "tested": report.tested,
            "complete": report.complete,
            "percent": round(report.percent, 2),
            "unmatched": len(report.unmatched),
            "exempt": report.exempt,
        },
        "endpoints": [
            {
                "app": row.route.app,
                "blueprint": row.route.blueprint or None,
                "endpoint": row.route.endpoint,
                "rule": row.route.rule,
                "method": row.route.method,
                "statuses": _statuses(row.tests_by_status),
                "login_redirects": _statuses(row.login_redirects),
                "refused_forms": _statuses(row.refused_forms),
                "method_not_allowed": {m: list(t) for m, t in row.not_allowed.items()},
                "tests": len(row.tests),
                "complete": row.complete,
                "flags": [flag.name.lower() for flag in row.flags],
                "exempt": row.exemption.reason if row.exemption else None,
            }
            for row in report.rows
        ],
        "unmatched": [
            {
                "app": entry.app,
                "method": entry.method,
                "path": entry.path,
                "statuses": _statuses(entry.tests_by_status),
                "tests": len(entry.tests),
            }
            for entry in report.unmatched
        ],
        "unknown_exemptions": [_exemption(e) for e in report.unknown_exemptions],
    }
    if records is not None:
        data["records"] = {
            **records.to_data(),
            "exemptions": [_exemption(e) for e in exemptions],
            "include_implicit": include_implicit,
        }
    return data


def write_json(report: Report, path: Path, **raw: Any) -> None:
    """Write the report's data to path, creating its folder; raw takes report_data's extras."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report_data(report, **raw), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
