"""The `flask-testkit` command and the `flask testkit` group."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask.cli import AppGroup, ScriptInfo

from flask_testkit.generator import GeneratorError, Options, build_suite
from flask_testkit.generator.rendering import tidy_written
from flask_testkit.generator.summary import pytest_command, summary
from flask_testkit.generator.updating import merge_update
from flask_testkit.generator.writing import diff, write_atomically


def _init(
    app: str, out: str, dry_run: bool, force: bool, update: bool, run: bool, timeout: float
) -> None:
    root = Path.cwd()
    try:
        options = Options(app=app, out=Path(out), root=root, timeout=timeout)
        suite = build_suite(options, force=force, update=update, dry_run=dry_run)
        files = merge_update(suite.files) if update else suite.files
        if dry_run:
            for path, source in sorted(files.items()):
                click.echo(diff(path, source, suite.root), nl=False)
            click.echo(summary(suite, sorted(files), dry_run=True))
            return
        new_files = [path for path in files if not path.exists()]
        written = write_atomically(files)
        tidy_written(new_files, root)
    except GeneratorError as error:
        raise click.ClickException(str(error)) from None
    click.echo(summary(suite, written, dry_run=False))
    if run:
        command = pytest_command(suite, endpoint_coverage=_has_endpoint_coverage(suite.root))
        click.echo(f"\n$ {' '.join(command)}")
        result = subprocess.run(
            [sys.executable, "-m", *command], cwd=suite.root, check=False, env=os.environ.copy()
        )
        if result.returncode != 0:
            raise click.exceptions.Exit(result.returncode)


def _has_endpoint_coverage(root: Path) -> bool:
    """True when pytest, as configured in root, offers --endpoint-coverage."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--help"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return "--endpoint-coverage" in result.stdout


_options = [
    click.option(
        "--out",
        default="tests",
        show_default=True,
        help="Folder to write the suite to. Beside the app it is the guide's `tests` package.",
    ),
    click.option("--dry-run", is_flag=True, help="Show what would be written, as a diff."),
    click.option("--force", is_flag=True, help="Overwrite existing files."),
    click.option(
        "--update", is_flag=True, help="Only add tests for endpoints and models that have none."
    ),
    click.option(
        "--run", "run", is_flag=True, help="Run the new suite with its endpoint-coverage report."
    ),
    click.option(
        "--probe-timeout",
        "timeout",
        default=2.0,
        show_default=True,
        help="Seconds each probing request may take.",
    ),
]


F = TypeVar("F", bound=Callable[..., Any])


def _with_options(function: F) -> F:
    for option in reversed(_options):
        function = option(function)
    return function


@click.group()
@click.version_option(package_name="flask-testkit")
def main() -> None:
    """flask-testkit: write and check a Flask app's test suite, the guide's way."""


@main.command("init")
@click.option(
    "--app",
    "app_spec",
    envvar="FLASK_APP",
    required=True,
    help="The app, in Flask's --app syntax, e.g. 'app:create_app(\"testing\")'. "
    "Defaults to $FLASK_APP.",
)
@_with_options
def init_command(
    app_spec: str, out: str, dry_run: bool, force: bool, update: bool, run: bool, timeout: float
) -> None:
    """Read the app and write the guide's test suite for it."""
    if force and update:
        raise click.UsageError("--force and --update do opposite things; pass one of them.")
    _init(app_spec, out, dry_run, force, update, run, timeout)


testkit_group = AppGroup("testkit", help="flask-testkit commands for this app.")


@testkit_group.command("init")
@_with_options
@click.pass_context
def flask_init_command(
    ctx: click.Context,
    out: str,
    dry_run: bool,
    force: bool,
    update: bool,
    run: bool,
    timeout: float,
) -> None:
    """Read the app given to `flask --app` and write the guide's test suite for it."""
    info = ctx.ensure_object(ScriptInfo)
    spec = info.app_import_path or os.environ.get("FLASK_APP")
    if not spec:
        raise click.UsageError("name the app: flask --app 'module:create_app()' testkit init")
    if force and update:
        raise click.UsageError("--force and --update do opposite things; pass one of them.")
    _init(spec, out, dry_run, force, update, run, timeout)
