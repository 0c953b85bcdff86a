"""The JSON output: the report's data for machines."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from flask_testkit.endpoint_coverage.report import Report

#: Bumped when a field changes meaning or disappears.
FORMAT_VERSION = 1


def _statuses(tests_by_status: Mapping[int, tuple[str, ...]]) -> dict[str, list[str]]:
    return {str(status): list(tests) for status, tests in tests_by_status.items()}


def report_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data: summary, endpoints, unmatched requests."""
    return {
        "version": FORMAT_VERSION,
        "summary": {
            "endpoints": report.total,
            "tested": report.tested,
            "complete": report.complete,
            "percent": round(report.percent, 2),
            "unmatched": len(report.unmatched),
        },
        "endpoints": [
            {
                "app": row.route.app,
                "blueprint": row.route.blueprint or None,
                "endpoint": row.route.endpoint,
                "rule": row.route.rule,
                "method": row.route.method,
                "statuses": _statuses(row.tests_by_status),
                "tests": len(row.tests),
                "complete": row.complete,
                "flags": [flag.name.lower() for flag in row.flags],
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
    }


def write_json(report: Report, path: Path) -> None:
    """Write the report's data to path, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report_data(report), indent=2) + "\n", encoding="utf-8")
