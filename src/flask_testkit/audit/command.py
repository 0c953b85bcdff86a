"""What `audit` does once its options are parsed: read, run, compare, report, and the exit code."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from flask_testkit.audit.findings import AuditError, Finding, failing, parse_fail_on
from flask_testkit.audit.id_rules import hard_coded_ids
from flask_testkit.audit.layout_rules import database_layout, static_layout
from flask_testkit.audit.observed_rules import (
    order_dependence,
    shared_state,
    skipped_error_cases,
    statements_by_file,
)
from flask_testkit.audit.order import find_order_dependence
from flask_testkit.audit.report import AuditResult, echo_report, json_text
from flask_testkit.audit.runner import Observe, Run, SuiteRunner
from flask_testkit.audit.static_rules import mocked_database, private_internals
from flask_testkit.audit.suite_location import locate_suite
from flask_testkit.audit.suite_source import SuiteSource, read_suite
from flask_testkit.audit.target import AppTarget, defined_by, is_mapped_column, load_target
from flask_testkit.generator.progress import Progress, progress_for

#: Rules that need the suite to run; --no-run leaves them out.
OBSERVED_RULES = ("order-dependence", "shared-state", "skipped-error-cases")
STDOUT = "-"


class AuditInputError(click.ClickException):
    """Bad input: one line saying what to do next, and exit code 2."""

    exit_code = 2


@dataclass(frozen=True)
class AuditRequest:
    """The options of one `audit`."""

    app: str | None
    #: the suite's folder or file; None: the one folder testpaths names, or tests/
    path: str | None = None
    json_path: str | None = None
    fail_on: str | None = None
    budget: float = 300.0
    seed: int | None = None
    run: bool = True


def run_audit(request: AuditRequest) -> int:
    """Audit the suite, print the report (and JSON), and give the exit code: 1 if --fail-on hit."""
    started = time.monotonic()
    try:
        fail_on = parse_fail_on(request.fail_on)
        result = _audit(request, Path.cwd(), progress_for())
    except AuditError as error:
        raise AuditInputError(str(error)) from None
    result.seconds = time.monotonic() - started
    if request.json_path == STDOUT:
        click.echo(json_text(result, fail_on), nl=False)
        echo_report(result, fail_on, err=True)
    else:
        echo_report(result, fail_on)
        if request.json_path:
            path = Path(request.json_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json_text(result, fail_on), encoding="utf-8")
            click.echo(f"Audit JSON written to {path}")
    hits = failing(result.findings, fail_on)
    if hits:
        rules = sorted({finding.rule for finding in hits})
        click.secho(
            f"Failing: {len(hits)} findings of --fail-on {', '.join(rules)}.", fg="red", err=True
        )
        return 1
    return 0


def _audit(request: AuditRequest, root: Path, progress: Progress) -> AuditResult:
    location = locate_suite(root, request.path)
    progress.stage("reading the app and the suite")
    target = load_target(request.app, root)
    suite = read_suite(
        root, location, target.packages, defined_by(target.packages), is_mapped_column
    )
    findings: list[Finding] = [
        *mocked_database(suite),
        *hard_coded_ids(suite),
        *private_internals(suite),
        *static_layout(suite, target.unit_subjects),
    ]
    result = AuditResult(target.spec, location.shown, findings)
    if not request.run:
        result.not_checked = dict.fromkeys(OBSERVED_RULES, "--no-run")
        return result
    with tempfile.TemporaryDirectory(prefix="flask-testkit-audit-") as work:
        runner = SuiteRunner(root, location.path, Path(work))
        try:
            _run(request, result, runner, suite, target, progress)
        finally:
            runner.close()
    return result


def _run(
    request: AuditRequest,
    result: AuditResult,
    runner: SuiteRunner,
    suite: SuiteSource,
    target: AppTarget,
    progress: Progress,
) -> None:
    root = runner.root
    progress.stage("running the suite, observed")
    own = runner.run("own order", observe=Observe(target.packages))
    _check_ran(own, result.tests)
    _observed(result, own, suite, target, root)
    if request.budget > 0:
        order = find_order_dependence(runner, own, request.budget, request.seed, progress)
        result.findings += order_dependence(order, [own], root)
        result.runs, result.seeds = order.runs, order.seeds
        result.notes += order.notes
        result.bisect_runs = runner.runs - len(order.runs)
    else:
        result.not_checked["order-dependence"] = "--budget 0"
        result.runs = [(own.label, own.seconds)]


def _check_ran(run: Run, path: str) -> None:
    if not run.order:
        reason = run.collect_errors[0] if run.collect_errors else "no tests were collected"
        raise AuditError(
            f"the suite did not run ({reason}). Make `pytest {path}` collect and run, then audit."
        )


def _observed(
    result: AuditResult, own: Run, suite: SuiteSource, target: AppTarget, root: Path
) -> None:
    if own.collect_errors:
        result.notes.append(
            f"{len(own.collect_errors)} modules did not import: {own.collect_errors[0]}"
        )
    if own.state is None:
        result.not_checked["shared-state"] = "the observed run wrote nothing"
    else:
        result.findings += shared_state(own, root)
        if own.state.get("isolated"):
            result.notes.append("rows were not counted: the suite uses flask-testkit's isolation")
        result.findings += database_layout(
            suite, statements_by_file(own, root), target.has_database
        )
    if own.endpoints is None:
        result.not_checked["skipped-error-cases"] = "the run wrote no endpoint-coverage report"
    else:
        result.findings += skipped_error_cases(own, target)
