"""The fail-under gate's verdict, shared by the pytest run and `flask-testkit coverage combine`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_testkit.endpoint_coverage.report import percent_label

if TYPE_CHECKING:
    from flask_testkit.endpoint_coverage.report import Report


def gate_verdict(report: Report, fail_under: float) -> tuple[str, bool]:
    """The line to print, and whether the share of complete endpoints meets fail_under."""
    total = percent_label(report.percent)
    required = f"{fail_under:g}%"
    if report.meets(fail_under):
        return f"Endpoint coverage {total} meets the required {required}.", True
    return (
        f"FAIL Endpoint coverage {total} is under the required {required}: test the flagged rows.",
        False,
    )
