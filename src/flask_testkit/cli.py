"""The `flask-testkit` command and the `flask testkit` group.

Every `flask` command loads this module through the `flask.commands` entry point, so it imports
only click and Flask; the generator is imported when `init` runs, the audit when `audit` does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask.cli import AppGroup, ScriptInfo


def _init(app: str, **options: Any) -> None:
    from flask_testkit.generator.command import InitRequest, run_init

    run_init(InitRequest(app=app, **options))


_options = [
    click.option(
        "--out",
        default="tests",
        show_default=True,
        help="Folder to write the suite to. Beside the app it is the guide's `tests` package.",
    ),
    click.option("--dry-run", is_flag=True, help="Show what would be written, as a diff."),
    click.option(
        "--force",
        is_flag=True,
        help="Replace the files the suite consists of; a changed file is kept as NAME.orig.",
    ),
    click.option(
        "--update", is_flag=True, help="Only add tests for endpoints and models that have none."
    ),
    click.option(
        "--run", "run", is_flag=True, help="Run the new suite with its endpoint-coverage report."
    ),
    click.option(
        "--no-verify",
        "verify",
        is_flag=True,
        flag_value=False,
        default=True,
        help="Write the suite without running it first (the summary says it is not verified).",
    ),
    click.option(
        "--db-url",
        envvar="TEST_DATABASE_URL",
        metavar="URL",
        help="Also verify the suite on this database's server, in a database of its own that is "
        "dropped after. Defaults to $TEST_DATABASE_URL.",
    ),
    click.option(
        "--probe-timeout",
        "timeout",
        default=2.0,
        show_default=True,
        help="Seconds each probing request may take.",
    ),
    click.option(
        "--budget",
        type=click.FloatRange(min=0),
        metavar="SECONDS",
        help="Time for the coverage-guided search for requests that run lines no other test "
        "runs; 0 skips it. Defaults to 2 seconds per endpoint.",
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
def init_command(app_spec: str, **options: Any) -> None:
    """Read the app and write the guide's test suite for it."""
    _init(app_spec, **options)


def _audit(ctx: click.Context, app: str | None, **options: Any) -> None:
    from flask_testkit.audit.command import AuditRequest, run_audit

    ctx.exit(run_audit(AuditRequest(app=app, **options)))


_audit_options = [
    click.argument("path", required=False),
    click.option(
        "--json",
        "json_path",
        metavar="FILE",
        help="Also write the findings as JSON to FILE; '-' prints the JSON on stdout and the "
        "report on stderr.",
    ),
    click.option(
        "--fail-on",
        metavar="RULE,...",
        help="Exit with 1 when there is a finding of these rules (comma-separated ids, or 'all').",
    ),
    click.option(
        "--budget",
        default=300.0,
        show_default=True,
        type=click.FloatRange(min=0),
        metavar="SECONDS",
        help="Time for the runs in other orders and the bisecting; 0 skips order-dependence.",
    ),
    click.option(
        "--seed",
        type=int,
        help="Seed of the first random order (the second is SEED+1); random by default.",
    ),
    click.option(
        "--no-run",
        "run",
        is_flag=True,
        flag_value=False,
        default=True,
        help="Only read the suite's source: leave out the rules that need it to run.",
    ),
]


def _with_audit_options(function: F) -> F:
    for option in reversed(_audit_options):
        function = option(function)
    return function


@main.command("audit")
@click.option(
    "--app",
    "app_spec",
    envvar="FLASK_APP",
    help="The app, in Flask's --app syntax, e.g. 'app:create_app(\"testing\")'. "
    "Defaults to $FLASK_APP.",
)
@_with_audit_options
@click.pass_context
def audit_command(ctx: click.Context, /, app_spec: str | None, **options: Any) -> None:
    """Check a test suite against the guide's "Don't" rules: read it, run it, report.

    PATH is the suite's folder or one test file; by default the folder testpaths
    names, or tests/.
    """
    _audit(ctx, app_spec, **options)


@main.group("coverage")
def coverage_group() -> None:
    """Endpoint coverage reports written by pytest --endpoint-coverage-json."""


@coverage_group.command("combine")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--json",
    "json_path",
    metavar="OUT",
    type=click.Path(path_type=Path),
    help="Write the merged JSON to OUT.",
)
@click.option(
    "--html",
    "html_dir",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the merged page to DIR/index.html.",
)
@click.option(
    "--fail-under",
    metavar="PCT",
    type=click.FloatRange(0, 100),
    help="Exit with 1 when fewer than PCT% of endpoints have a happy path and an error case.",
)
@click.pass_context
def combine_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    json_path: Path | None,
    html_dir: Path | None,
    fail_under: float | None,
) -> None:
    """Merge the endpoint-coverage JSON of several runs or CI shards into one report."""
    from flask_testkit.endpoint_coverage.combine import run_combine

    if not run_combine(files, json_path, html_dir, fail_under):
        ctx.exit(1)


testkit_group = AppGroup("testkit", help="flask-testkit commands for this app.")


@testkit_group.command("init", with_appcontext=False)
@_with_options
@click.pass_context
def flask_init_command(ctx: click.Context, /, **options: Any) -> None:
    """Read the app given to `flask --app` and write the guide's test suite for it."""
    info = ctx.ensure_object(ScriptInfo)
    spec = info.app_import_path or os.environ.get("FLASK_APP")
    if not spec:
        raise click.UsageError("name the app: flask --app 'module:create_app()' testkit init")
    _init(spec, **options)


@testkit_group.command("audit", with_appcontext=False)
@_with_audit_options
@click.pass_context
def flask_audit_command(ctx: click.Context, /, **options: Any) -> None:
    """Check the suite of the app given to `flask --app` against the guide's "Don't" rules.

    PATH is the suite's folder or one test file; by default the folder testpaths
    names, or tests/.
    """
    info = ctx.ensure_object(ScriptInfo)
    spec = info.app_import_path or os.environ.get("FLASK_APP")
    if not spec:
        raise click.UsageError("name the app: flask --app 'module:create_app()' testkit audit")
    _audit(ctx, spec, **options)
