"""What `init` does once its options are parsed: generate, write or show, summarise, run."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from .errors import GeneratorError
from .pipeline import Options, Suite, build_suite
from .progress import Progress, progress_for
from .reading.builds import BUILD_FILES_LINE
from .rendering.renderer import tidy_written
from .summary import pytest_command, shown_command, summary
from .verifying.runs import SuiteDidNotRun
from .verifying.verifier import Project, Verification, verify
from .writing.files import diff, drop_unneeded_copies, write_atomically
from .writing.updating import merge_update, requested_endpoints


@dataclass(frozen=True)
class InitRequest:
    """The options of one `init`."""

    app: str
    out: str
    dry_run: bool = False
    force: bool = False
    update: bool = False
    run: bool = False
    timeout: float = 2.0
    budget: float | None = None
    verify: bool = True
    db_url: str | None = None


def run_init(request: InitRequest) -> None:
    """Generate the suite and write it (or show it), then print the summary; --run runs it."""
    if request.force and request.update:
        raise click.UsageError("--force and --update do opposite things; pass one of them.")
    root = Path.cwd()
    progress = progress_for()
    try:
        options = Options(
            app=request.app,
            out=Path(request.out),
            root=root,
            timeout=request.timeout,
            budget=request.budget,
        )
        suite = build_suite(
            options,
            force=request.force,
            update=request.update,
            dry_run=request.dry_run,
            progress=progress,
        )
        compose = _composer(suite, request.update)
        verification = None
        if request.verify:
            progress.stage("verifying the suite")
            verification = _verified(suite, compose, request, progress)
            suite.files = verification.generated
        files = compose(suite.files)
        if request.dry_run:
            for path, source in sorted(files.items()):
                click.echo(diff(path, source, suite.root), nl=False)
            click.echo(summary(suite, sorted(files), dry_run=True, verification=verification))
            return
        # --update appends to the user's files and must leave their lines as they are, so only
        # files it creates are tidied; --force replaces whole files, after keeping a copy.
        tidied = [path for path in files if not request.update or not path.exists()]
        progress.stage("writing")
        copies = write_atomically(files, keep_copies=request.force)
        tidy_written(tidied, root)
        copies = drop_unneeded_copies(copies)
    except GeneratorError as error:
        raise click.ClickException(str(error)) from None
    shown = summary(
        suite,
        sorted(files),
        dry_run=False,
        copies=sorted(copies.values()),
        verification=verification,
    )
    click.echo(shown)
    if request.run:
        _run_suite(
            pytest_command(suite, endpoint_coverage=_has_endpoint_coverage(suite.root)), root
        )


def _verified(
    suite: Suite,
    compose: Callable[[dict[Path, str]], dict[Path, str]],
    request: InitRequest,
    progress: Progress,
) -> Verification:
    """The verification of the suite, or of its fallback files when the suite does not start."""
    try:
        return verify(suite.files, compose, _project(suite, request), progress.note)
    except SuiteDidNotRun as error:
        if not suite.fallback or suite.target is None:
            raise
        names = ", ".join(setting.key for setting in suite.target.build_files)
        suite.target.build_files = []
        suite.files.update(suite.fallback)
        suite.setup = [line for line in suite.setup if not line.startswith(BUILD_FILES_LINE)]
        suite.setup.append(f"not set by the conftest, since the app failed with them set: {names}")
        progress.note(f"verifying again, without setting {names} ({error})")
        return verify(suite.files, compose, _project(suite, request), progress.note)


def _composer(suite: Suite, update: bool) -> Callable[[dict[Path, str]], dict[Path, str]]:
    """What becomes of the generated files before they are written: --update merges them."""
    if not update:
        return dict
    tested = already_tested(suite)
    return lambda generated: merge_update(generated, tested)


def _project(suite: Suite, request: InitRequest) -> Project:
    assert suite.target is not None
    return Project(
        cwd=suite.root.resolve(),
        app_root=suite.target.root,
        out=suite.out,
        packages=suite.target.packages or (suite.target.module.split(".")[0],),
        db_url=request.db_url,
        update=request.update,
        app_refusals=suite.app_refusals,
    )


def _run_suite(command: list[str], cwd: Path) -> None:
    click.echo(f"\n$ {shown_command(command)}", nl=True)
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=cwd, check=False, env=os.environ.copy()
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


def already_tested(suite: Suite) -> frozenset[str]:
    """Generated tests of the endpoints that tests already in the suite's folder request."""
    endpoint_of = {
        case.name: (plan.endpoint.method, plan.endpoint.rule)
        for plan in suite.plans
        for case in plan.cases
    }
    if not suite.out.is_dir():
        return frozenset()
    tested = requested_endpoints(suite.out, set(endpoint_of.values()))
    return frozenset(name for name, endpoint in endpoint_of.items() if endpoint in tested)
