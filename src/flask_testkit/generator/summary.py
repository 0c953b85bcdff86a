"""The short report printed after `init`: files, endpoint coverage, gaps, next command."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from .pipeline import Suite
from .planning.endpoint_plans import EndpointPlan
from .planning.exemptions import exemption_reason
from .verifying.history import BACKEND_NAMES
from .verifying.runs import PLUGIN
from .verifying.shuffle import SEED_OPTION
from .verifying.verifier import Verification


def pytest_command(suite: Suite, endpoint_coverage: bool = False) -> list[str]:
    """The command that runs the new suite from the app's folder."""
    command = ["pytest", os.path.relpath(suite.out, suite.root) + "/"]
    if endpoint_coverage:
        command.append("--endpoint-coverage")
    return command


def shown_command(command: list[str]) -> str:
    """The command as a user types it: pytest by the name that runs this interpreter's pytest."""
    own = Path(sys.executable).parent / "pytest"
    found = shutil.which("pytest")
    name = "pytest"
    if own.exists() and (found is None or Path(found).resolve() != own.resolve()):
        relative = os.path.relpath(own)
        name = str(own) if relative.startswith("..") else relative
    return shlex.join([name, *command[1:]])


def summary(
    suite: Suite,
    written: list[Path],
    dry_run: bool,
    copies: list[Path] | None = None,
    verification: Verification | None = None,
) -> str:
    """The lines shown at the end of `init`."""
    lines = []
    verb = "Would write" if dry_run else "Wrote"
    tests = verification.tests if verification else suite.test_count
    lines.append(f"{verb} {len(written)} files ({tests} tests):")
    lines += [f"  {os.path.relpath(path, suite.root)}" for path in sorted(written)]
    lines.append("")
    lines += verification_lines(suite, verification)
    cases = _endpoint_cases(suite, verification)
    both = sum(1 for happy, error in cases if happy and error)
    lines.append("")
    exempt = [exemption_reason(plan) is not None for plan in suite.plans]
    lines.append(
        f"Endpoints: {both}/{len(suite.plans)} with a happy path and an error case"
        + (f" ({sum(exempt)} exempt: no request to them can be refused)" if any(exempt) else "")
    )
    method_width = max((len(plan.endpoint.method) for plan in suite.plans), default=6)
    rule_width = max((len(plan.endpoint.rule) for plan in suite.plans), default=10)
    for plan, (has_happy, has_error), is_exempt in zip(suite.plans, cases, exempt, strict=True):
        happy = "happy" if has_happy else "-----"
        error = "error" if has_error else ("exempt" if is_exempt else "-----")
        flag = "  xfail: the app fails here" if _crashed(plan) else ""
        endpoint = f"{plan.endpoint.method:<{method_width}}  {plan.endpoint.rule:<{rule_width}}"
        lines.append(f"  {endpoint}  {happy}  {error}{flag}")
    if suite.search is not None:
        lines.append("")
        lines.append(suite.search.summary_line())
        if suite.search.crashes:
            lines.append("  requests it found that the app fails on (no test is written for them):")
            lines += [f"    {crash}" for crash in suite.search.crashes]
    gaps = [(plan.endpoint.label, reason) for plan in suite.plans for reason in plan.reasons]
    gaps += [
        (plan.endpoint.label, "no error case: the app accepted every request tried")
        for plan, (has_happy, has_error), is_exempt in zip(suite.plans, cases, exempt, strict=True)
        if has_happy and not has_error and not plan.reasons and not is_exempt
    ]
    gaps += [
        (plan.endpoint.label, "the app fails here, so its test is a strict xfail")
        for plan in suite.plans
        if _crashed(plan) and not plan.has_happy and not plan.reasons
    ]
    lines.append("")
    lines.append("Not tested, and why:")
    lines += [f"  {label}: {reason}" for label, reason in gaps]
    lines += [f"  {note}" for note in suite.notes]
    if any(exempt):
        lines.append(
            "  exempt from needing an error case (pytest_endpoint_coverage_exemptions in "
            "conftest.py): the endpoints that read nothing from the request, or only who is"
            " signed in and let everyone in"
        )
    if not gaps and not suite.notes and not any(exempt):
        lines.append("  nothing: every endpoint has a happy path and an error case")
    if suite.services:
        lines.append("")
        lines.append("Service functions that still need a unit test:")
        lines += [f"  {name}" for name in suite.services]
    if suite.model_methods:
        lines.append("")
        lines.append("Model methods that still need a unit test:")
        lines += [f"  {entry}" for entry in suite.model_methods]
    if suite.setup:
        lines.append("")
        lines.append("How init ran the app:")
        lines += [f"  {line}" for line in suite.setup]
    if copies:
        lines.append("")
        lines.append("Your earlier versions of the replaced files are kept beside them:")
        lines += [f"  {os.path.relpath(path, suite.root)}" for path in copies]
    lines.append("")
    lines.append("Run it:")
    lines.append("  " + shown_command(pytest_command(suite)))
    return "\n".join(lines)


def verification_lines(suite: Suite, verification: Verification | None) -> list[str]:
    """What the verification runs saw, or that there were none."""
    if verification is None:
        return [
            "not verified: --no-verify wrote the tests without running them first "
            "(dropped by verification: 0)"
        ]
    first, second = verification.seeds
    where = f"run twice in random order (seeds {first} and {second}) on {verification.databases[0]}"
    others = verification.databases[1:]
    if others:
        where += f", then in the second order on {' and '.join(others)}"
    lines = [
        f"Verified before writing: {where}:",
        f"  {verification.tests} tests passed in every run; "
        f"dropped by verification: {len(verification.dropped)}",
    ]
    for dropped in verification.dropped:
        runs = f"failed in {dropped.failed_runs} of {dropped.runs} runs"
        lines.append(f"  dropped {dropped.name} ({runs}): {dropped.reason}")
    backends = sorted({failure.backend for failure in verification.backend_failures})
    for backend in backends:
        failures = [f for f in verification.backend_failures if f.backend == backend]
        shown = BACKEND_NAMES.get(backend, backend)
        lines.append(
            f"  the app fails on {shown} only, where the database refuses what it does; kept as "
            f"strict xfails there: {len(failures)}"
        )
        lines += [f"    {failure.name}: {failure.reason}" for failure in failures]
    if verification.line_coverage is not None:
        package = ", ".join(suite.target.packages) if suite.target else "the app"
        lines.append(f"  line coverage of {package}: {verification.line_coverage:.1f}%")
    lines += [
        f"  your own test failed in verification (left as it is): {name}"
        for name in verification.own_failures
    ]
    lines += [f"  {note}" for note in verification.notes]
    if verification.project_writes:
        shown = ", ".join(verification.project_writes[:5])
        more = len(verification.project_writes) - 5
        shown += f" and {more} more" if more > 0 else ""
        lines.append(
            f"  the app wrote into the project while the suite ran: {shown}; the suite could "
            "not point these elsewhere"
        )
    out = os.path.relpath(suite.out, suite.root)
    lines.append(f"  the same order again: pytest {out}/ -p {PLUGIN} {SEED_OPTION} {first}")
    return lines


def _endpoint_cases(suite: Suite, verification: Verification | None) -> list[tuple[bool, bool]]:
    """Per plan, a happy path and an error case: as the verification run saw them, if it ran."""
    if verification is None or verification.endpoints is None:
        return [(plan.has_happy, plan.has_error) for plan in suite.plans]
    seen = verification.endpoints
    return [seen.get((p.endpoint.method, p.endpoint.rule), (False, False)) for p in suite.plans]


def _crashed(plan: EndpointPlan) -> bool:
    return any(c.outcome is not None and c.outcome.server_error for c in plan.cases)
