"""Bad input gets one clear line, a non-zero exit, and nothing written."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flask_testkit.cli import main
from flask_testkit.generator.writing import files as writing

NOT_FLASK = "VALUE = 1\n"
BROKEN_IMPORT = "import module_that_does_not_exist\n"
NEEDS_ARGUMENTS = """\
from flask import Flask


def create_app(config_name):
    app = Flask(__name__)
    app.config["NAME"] = config_name
    return app
"""
FAILS_TO_BUILD = """\
from flask import Flask


def create_app():
    raise RuntimeError("DATABASE_URL is not set")
"""
CONNECTS_WHILE_BUILT = """\
import socket

from flask import Flask

app = Flask(__name__)
socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
"""
PLAIN_APP = """\
from flask import Flask

app = Flask(__name__)


@app.get("/")
def home():
    return "home"
"""


def invoke(root: Path, module: str, source: str, *args: str) -> tuple[int, str, list[str]]:
    """Run init in-process on a one-module app; gives (exit code, output, files afterwards)."""
    # Each case gets its own module name: an app module stays imported for the whole process.
    (root / f"{module}.py").write_text(source)
    before = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["init", *args])
    finally:
        os.chdir(before)
        sys.path[:] = [p for p in sys.path if p != str(root)]
    files = sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if "__pycache__" not in p.parts
    )
    return result.exit_code, result.output, files


@pytest.mark.parametrize(
    ("module", "source", "app_spec", "message"),
    [
        (
            "cli_not_flask",
            NOT_FLASK,
            "cli_not_flask",
            "Error: Failed to find Flask application or factory in module 'cli_not_flask'. "
            "Use 'cli_not_flask:name' to specify one.",
        ),
        (
            "cli_broken_import",
            BROKEN_IMPORT,
            "cli_broken_import",
            "Error: could not import the app 'cli_broken_import': ModuleNotFoundError: No module "
            "named 'module_that_does_not_exist'. Fix the import and run again.",
        ),
        (
            "cli_needs_args",
            NEEDS_ARGUMENTS,
            "cli_needs_args:create_app",
            "Error: The factory 'create_app' in module 'cli_needs_args' could not be called with "
            "the specified arguments. Check the --app value "
            "(Flask's syntax: 'module:create_app()').",
        ),
        (
            "cli_fails_to_build",
            FAILS_TO_BUILD,
            "cli_fails_to_build:create_app()",
            "Error: the app 'cli_fails_to_build:create_app()' failed to build: RuntimeError: "
            "DATABASE_URL is not set. Fix the error (try `flask --app ... routes`) and run again.",
        ),
        (
            "cli_connects",
            CONNECTS_WHILE_BUILT,
            "cli_connects",
            "Error: the app 'cli_connects' connects to redis at 127.0.0.1:6379 while it is built,"
            " and init allows no connection but the test database's. Connect on first use"
            " instead, or pass --app with a configuration that does not.",
        ),
    ],
    ids=[
        "not-a-flask-app",
        "import-fails",
        "factory-needs-arguments",
        "factory-raises",
        "connects-on-loopback-while-built",
    ],
)
def test_bad_app_is_one_line_and_writes_nothing(
    tmp_path: Path, module: str, source: str, app_spec: str, message: str
) -> None:
    code, output, files = invoke(tmp_path, module, source, "--app", app_spec)

    assert code == 1
    assert output == message + "\n"
    assert files == [f"{module}.py"]


def test_existing_tests_folder_is_left_alone_without_force(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_mine.py").write_text("def test_mine():\n    assert True\n")

    code, output, files = invoke(tmp_path, "cli_existing", PLAIN_APP, "--app", "cli_existing")

    assert code == 1
    assert output == (
        f"Error: {tmp_path / 'tests'} already exists; pass --update to add tests for what has "
        "none, --force to overwrite, or --out to write elsewhere.\n"
    )
    assert files == ["cli_existing.py", "tests", "tests/test_mine.py"]


def test_read_only_folder_is_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests may run as root, for whom chmod does not stop writes; deny access the way the OS would.
    monkeypatch.setattr(writing.os, "access", lambda path, mode: False)

    code, output, files = invoke(tmp_path, "cli_read_only", PLAIN_APP, "--app", "cli_read_only")

    assert code == 1
    assert output == (
        f"Error: cannot write to {tmp_path}: permission denied; choose another --out or fix "
        "the folder's permissions.\n"
    )
    assert files == ["cli_read_only.py"]


def test_force_and_update_together_are_refused(tmp_path: Path) -> None:
    code, output, _ = invoke(
        tmp_path, "cli_both", PLAIN_APP, "--app", "cli_both", "--force", "--update"
    )

    assert code == 2
    assert output.splitlines()[-1] == (
        "Error: --force and --update do opposite things; pass one of them."
    )
