"""The command: its exit codes, its one-line errors, --json, and `flask --app ... testkit audit`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from audit_projects import BIN, run_audit, write_project

PRIVATE = {
    "tests/integration/test_items.py": """
        from shop import _slug


        def test_slug():
            assert _slug("A") == "a"
    """,
    "tests/unit/test_names.py": "def test_nothing():\n    pass\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path, PRIVATE)


def test_findings_alone_exit_with_0(project: Path) -> None:
    result = run_audit(project, "--no-run")

    assert result.returncode == 0, result.stderr
    assert "tests/integration/test_items.py:1: imports the private `_slug` from `shop`" in (
        result.stdout
    )
    assert result.stdout.splitlines()[-1].startswith("TOTAL: 1 finding: private-internals 1 (")


@pytest.mark.parametrize("fail_on", ["private-internals", "layout,private-internals", "all"])
def test_fail_on_a_rule_that_has_a_finding_exits_with_1(project: Path, fail_on: str) -> None:
    result = run_audit(project, "--no-run", "--fail-on", fail_on)

    assert result.returncode == 1
    assert "Failing: 1 findings of --fail-on private-internals." in result.stderr


def test_fail_on_other_rules_exits_with_0(project: Path) -> None:
    assert run_audit(project, "--no-run", "--fail-on", "mocked-database,layout").returncode == 0


def test_json_file_holds_the_findings(project: Path) -> None:
    result = run_audit(project, "--no-run", "--json", "out/audit.json")

    data = json.loads((project / "out/audit.json").read_text(encoding="utf-8"))
    assert data["findings"] == [
        {
            "rule": "private-internals",
            "path": "tests/integration/test_items.py",
            "line": 1,
            "message": "imports the private `_slug` from `shop`",
            "advice": "test through the public function, model or endpoint that uses it.",
        }
    ]
    assert result.stdout.splitlines()[-1] == "Audit JSON written to out/audit.json"


def test_json_on_stdout_sends_the_report_to_stderr(project: Path) -> None:
    result = run_audit(project, "--no-run", "--json", "-")

    assert json.loads(result.stdout)["summary"]["by_rule"]["private-internals"] == 1
    assert "private-internals: 1 finding" in result.stderr


@pytest.mark.parametrize(
    ("args", "app", "message"),
    [
        (
            ["missing"],
            "shop:create_app()",
            "Error: there is no file or folder 'missing' to audit. Pass the suite's folder or "
            "file (flask-testkit audit PATH --app ...), run from the project's folder.",
        ),
        (
            ["--no-run"],
            "nowhere:create_app()",
            "Error: could not load the app 'nowhere:create_app()' (from --app): Could not import "
            "'nowhere'. Check the module path and factory name; the value uses Flask's --app "
            "syntax.",
        ),
        (
            ["--fail-on", "mocked-db"],
            "shop:create_app()",
            "Error: --fail-on names no such rule: mocked-db. Pick from mocked-database, "
            "hard-coded-id, order-dependence, shared-state, skipped-error-cases, "
            "private-internals, layout or all.",
        ),
        (
            ["--no-run"],
            "",
            "Error: name the app: flask-testkit audit --app 'module:create_app()' "
            "(or set FLASK_APP).",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    project: Path, args: list[str], app: str, message: str
) -> None:
    result = run_audit(project, *args, app=app)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [message]


def test_suite_that_does_not_run_is_bad_input(tmp_path: Path) -> None:
    root = write_project(tmp_path, {**PRIVATE, "tests/conftest.py": "import nowhere\n"})

    result = run_audit(root, "--budget", "0")

    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: the suite did not run (")
    assert line.endswith("Make `pytest tests` collect and run, then audit.")


def test_flask_command_audits_the_app_it_was_given(project: Path) -> None:
    env = {"PATH": str(BIN), "FLASK_TESTKIT_PROGRESS": "0"}

    result = subprocess.run(
        [str(BIN / "flask"), "--app", "shop:create_app()", "testkit", "audit", "--no-run"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "flask-testkit audit of tests (app shop:create_app())" in result.stdout
    assert "private-internals: 1 finding" in result.stdout
