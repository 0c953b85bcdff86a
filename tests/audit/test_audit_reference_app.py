"""The reference app's suite, written the guide's way, passes the audit with no finding."""

from __future__ import annotations

from pathlib import Path

from audit_projects import audit_json

USERAPI = Path(__file__).parents[2] / "examples" / "userapi"


def test_the_reference_app_suite_has_no_finding() -> None:
    data = audit_json(
        USERAPI,
        "--seed",
        "1",
        "--budget",
        "1200",
        "--fail-on",
        "all",
        app='app:create_app("testing")',
        addopts="",
    )

    assert data["findings"] == []
    assert data["not_checked"] == {}
    assert [run["label"] for run in data["runs"]] == [
        "own order",
        "reverse",
        "random (seed 1)",
        "random (seed 2)",
    ]
