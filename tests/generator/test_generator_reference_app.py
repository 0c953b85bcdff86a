"""`init` on the reference app, with its own tests set aside, writes a suite that proves the app."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from generator_runs import run_init, run_pytest, source_of_test

REFERENCE_APP = Path(__file__).parents[2] / "examples" / "userapi"


@dataclass
class ReferenceRun:
    """The suite written for the reference app, and what running it showed."""

    init: subprocess.CompletedProcess[str]
    tests: subprocess.CompletedProcess[str]
    line_coverage: float
    endpoints: dict[str, object]
    root: Path


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> ReferenceRun:
    """A copy of the reference app without its tests, generated for and run once."""
    root = tmp_path_factory.mktemp("reference") / "userapi"
    root.mkdir()
    shutil.copytree(
        REFERENCE_APP / "app", root / "app", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REFERENCE_APP / "pyproject.toml", root)
    init = run_init(
        root,
        "--app",
        'app:create_app("testing")',
        "--out",
        "tests_generated",
        suffix="reference_probe",
    )
    tests = run_pytest(
        root,
        "tests_generated/",
        "--cov=app",
        "--cov-fail-under=0",
        "--cov-report=json:coverage.json",
        "--endpoint-coverage",
        "--endpoint-coverage-json=endpoints.json",
        suffix="reference",
    )
    totals = json.loads((root / "coverage.json").read_text())["totals"]
    endpoints = json.loads((root / "endpoints.json").read_text())
    return ReferenceRun(
        init, tests, 100 * totals["covered_lines"] / totals["num_statements"], endpoints, root
    )


def test_suite_passes_in_random_order(reference: ReferenceRun) -> None:
    assert reference.init.returncode == 0, reference.init.stderr
    assert reference.tests.returncode == 0, reference.tests.stdout[-3000:]
    assert "Using --randomly-seed=" in reference.tests.stdout


def test_suite_covers_at_least_85_percent_of_the_app_lines(reference: ReferenceRun) -> None:
    assert reference.line_coverage >= 85


def test_every_endpoint_is_reached(reference: ReferenceRun) -> None:
    summary = reference.endpoints["summary"]
    assert isinstance(summary, dict)
    assert summary["tested"] == summary["endpoints"]


def test_at_least_90_percent_of_endpoints_have_a_happy_path_and_an_error_case(
    reference: ReferenceRun,
) -> None:
    rows = reference.endpoints["endpoints"]
    assert isinstance(rows, list)
    incomplete = [f"{row['method']} {row['rule']}" for row in rows if not row["complete"]]
    assert len(rows) - len(incomplete) >= 0.9 * len(rows), incomplete


def test_the_guides_duplicate_email_case_is_written(reference: ReferenceRun) -> None:
    # The guide's test_create_user_duplicate_email: a user with the email first, then a 409.
    tests = (reference.root / "tests_generated" / "integration" / "test_users_api.py").read_text()
    _, test = source_of_test(tests, "test_create_user_with_duplicate_email_returns_conflict")
    assert 'UserFactory(email="new.user@example.com")' in test
    assert '"email": "new.user@example.com"' in test
    assert "assert response.status_code == 409" in test


def test_a_create_checks_the_row_is_in_the_database(reference: ReferenceRun) -> None:
    tests = (reference.root / "tests_generated" / "integration" / "test_users_api.py").read_text()
    _, test = source_of_test(tests, "test_create_user_returns_created")
    assert 'db_session.scalar(select(User).filter_by(email=payload["email"])) is not None' in test


def test_the_service_functions_get_the_guides_unit_tests(reference: ReferenceRun) -> None:
    # The calls the endpoints made to user_service, replayed on their own in tests/unit.
    tests = (reference.root / "tests_generated" / "unit" / "test_user_service.py").read_text()
    assert "from app.services import user_service" in tests
    _, created = source_of_test(tests, "test_create_user_works")
    assert "user_service.create_user(" in created and '"new.user@example.com"' in created
    assert 'assert result["email"] == "new.user@example.com"' in created
    assert "assert db_session.scalar(select(func.count()).select_from(User)) == 1" in created
    _, duplicate = source_of_test(
        tests, "test_create_user_with_duplicate_email_raises_conflict_error"
    )
    assert 'UserFactory(email="new.user@example.com")' in duplicate
    assert "with pytest.raises(ConflictError):" in duplicate
    _, forbidden = source_of_test(tests, "test_delete_user_as_member_raises_forbidden_error")
    assert "user_service.delete_user(other_user.id, user)" in forbidden
    assert "app.services.user_service.create_user" not in reference.init.stdout


def test_the_apps_own_command_is_tested(reference: ReferenceRun) -> None:
    tests = (reference.root / "tests_generated" / "integration" / "test_commands.py").read_text()
    _, test = source_of_test(tests, "test_create_admin_command")
    assert '"create-admin"' in test and "TEST_PASSWORD" in test
    # It prints the id the database gave the admin: that line is not asserted.
    assert "with id" not in test
    assert "assert db_session.scalar(select(func.count()).select_from(User)) == 1" in test
