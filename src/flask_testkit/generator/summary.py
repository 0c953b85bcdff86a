"""The short report printed after `init`: files, endpoint coverage, gaps, next command."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from .pipeline import Suite
from .planning.endpoint_plans import EndpointPlan


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
    suite: Suite, written: list[Path], dry_run: bool, copies: list[Path] | None = None
) -> str:
    """The lines shown at the end of `init`."""
    lines = []
    verb = "Would write" if dry_run else "Wrote"
    lines.append(f"{verb} {len(written)} files ({suite.test_count} tests):")
    lines += [f"  {os.path.relpath(path, suite.root)}" for path in sorted(written)]
    both = sum(1 for plan in suite.plans if plan.has_happy and plan.has_error)
    lines.append("")
    lines.append(f"Endpoints: {both}/{len(suite.plans)} with a happy path and an error case")
    method_width = max((len(plan.endpoint.method) for plan in suite.plans), default=6)
    rule_width = max((len(plan.endpoint.rule) for plan in suite.plans), default=10)
    for plan in suite.plans:
        happy = "happy" if plan.has_happy else "-----"
        error = "error" if plan.has_error else "-----"
        flag = "  xfail: the app fails here" if _crashed(plan) else ""
        endpoint = f"{plan.endpoint.method:<{method_width}}  {plan.endpoint.rule:<{rule_width}}"
        lines.append(f"  {endpoint}  {happy}  {error}{flag}")
    gaps = [(plan.endpoint.label, reason) for plan in suite.plans for reason in plan.reasons]
    gaps += [
        (plan.endpoint.label, "no error case: the app accepted every request tried")
        for plan in suite.plans
        if plan.has_happy and not plan.has_error and not plan.reasons
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
    if not gaps and not suite.notes:
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


def _crashed(plan: EndpointPlan) -> bool:
    return any(c.outcome is not None and c.outcome.server_error for c in plan.cases)
