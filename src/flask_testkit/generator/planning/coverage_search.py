"""Coverage-guided search: more cases for the lines of a view that no planned case ran.

The planned cases are sent once more with the app's lines measured. Then, for each view with
lines left unrun, requests near its working one are tried (see `search_candidates`), each
measured on its own; one is kept only if it ran a line no kept case ran, or got a status the
endpoint had not answered yet. A request that crashes the app is reported, not kept. The search
stops at its time budget.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..cases import HAPPY, NOT_ALLOWED, REFUSED_VARIANT, VARIANT, Case
from ..probing.line_meter import Line, LineMeter, function_lines
from .search_candidates import Candidates

if TYPE_CHECKING:
    from .endpoint_plans import EndpointPlan, Planner

# Seconds of search per endpoint when no budget is given.
SECONDS_PER_ENDPOINT = 2.0
# Requests tried per endpoint, at most, and cases kept.
_TRIED = 40
_KEPT = 6
# Rounds of search per endpoint: a second one only from a request that fixed a crash.
_ROUNDS = 2


@dataclass
class SearchReport:
    """What the search tried and gained."""

    budget: float
    seconds: float = 0.0
    searched: int = 0  # endpoints requests were tried near
    tried: int = 0
    kept: int = 0
    lines_before: int = 0  # lines of the app the planned cases' requests ran
    lines_after: int = 0
    out_of_time: bool = False
    crashes: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        """One line for init's summary."""
        line = (
            f"Coverage-guided search: {self.kept} cases kept of {self.tried} tried on "
            f"{self.searched} endpoints in {self.seconds:.1f}s (budget {self.budget:g}s); "
            f"lines of the app run by requests: {self.lines_before} -> {self.lines_after}"
        )
        if self.out_of_time:
            line += "; stopped at the budget (--budget SECONDS for more)"
        return line


class CoverageSearch:
    """Runs the search over every plan, through the planner's prober."""

    def __init__(
        self,
        planner: Planner,
        meter: LineMeter,
        models: dict[str, type[Any]],
        factories: set[str],
        budget: float,
    ) -> None:
        self.planner = planner
        self.prober = planner.prober
        self.meter = meter
        self.models = models
        self.factories = factories
        self.report = SearchReport(budget)

    def run(self, plans: list[EndpointPlan]) -> SearchReport:
        """Add the cases worth keeping to plans; return what was done."""
        started = time.monotonic()
        deadline = started + self.report.budget
        self.prober.meter = self.meter
        try:
            covered = self._baseline(plans)
            self.report.lines_before = len(covered)
            # Views with lines of their own left unrun first; then the others, whose requests
            # may still reach unrun lines of the decorators, helpers and models they call.
            unrun = {id(plan) for plan in plans if function_lines(_view(plan)) - covered}
            for plan in sorted(plans, key=lambda plan: id(plan) not in unrun):
                if time.monotonic() >= deadline:
                    self.report.out_of_time = True
                    break
                self._search(plan, covered, deadline)
            self.report.lines_after = len(covered)
        finally:
            self.prober.meter = None
        self.report.seconds = time.monotonic() - started
        return self.report

    def _baseline(self, plans: list[EndpointPlan]) -> set[Line]:
        with self.meter.batch() as lines:
            self.prober.label = "planned"
            for plan in plans:
                for case in plan.cases:
                    if case.kind != NOT_ALLOWED and case.outcome and not case.outcome.setup_error:
                        self.prober.run(case, rerun=False)
        return lines.get("planned", set())

    def _search(self, plan: EndpointPlan, covered: set[Line], deadline: float) -> None:
        base = next((c for c in plan.cases if c.kind == HAPPY and c.outcome), None)
        if base is None or base.outcome is None or base.outcome.setup_error or not _view(plan):
            return
        if base.outcome.network or base.outcome.timed_out:
            return
        self.report.searched += 1
        seen = {_signature(c) for c in plan.cases}
        for _ in range(_ROUNDS):
            tried = self._tried(plan, base, seen, deadline)
            works = self._keep(plan, base, tried, covered)
            # A base case that crashes gives way to the first request near it that works,
            # and the requests near that one are tried in turn.
            if works is None or not base.outcome.server_error:
                return
            self._error_cases(plan, works)
            base = works

    def _error_cases(self, plan: EndpointPlan, works: Case) -> None:
        """The error cases of a request that works, where only one that crashed was known."""
        known = {(c.kind, c.outcome.status) for c in plan.cases if c.outcome}
        before = len(plan.cases)
        self.planner.error_cases(plan, works, None)
        added = plan.cases[before:]
        del plan.cases[before:]
        for case in added:
            if case.outcome and (case.kind, case.outcome.status) not in known:
                plan.cases.append(case)
                known.add((case.kind, case.outcome.status))

    def _tried(
        self, plan: EndpointPlan, base: Case, seen: set[str], deadline: float
    ) -> list[tuple[Case, str, set[Line]]]:
        others = [c for c in plan.cases if c is not base]
        candidates = Candidates(base, others, self.planner.auth, self.models, self.factories)
        tried: list[tuple[Case, str, str]] = []
        with self.meter.batch() as lines:
            for case, subject in candidates.all(self.planner.with_keys_read):
                if len(tried) >= _TRIED:
                    break
                if time.monotonic() >= deadline:
                    self.report.out_of_time = True
                    break
                if _signature(case) in seen:
                    continue
                seen.add(_signature(case))
                label = f"candidate-{len(tried)}"
                self.prober.label = label
                # Probed once; what a kept one's database numbers is found when it is kept.
                case.outcome = self.prober.run(case, rerun=False)
                tried.append((case, subject, label))
        self.report.tried += len(tried)
        return [(case, subject, lines.get(label, set())) for case, subject, label in tried]

    def _keep(
        self,
        plan: EndpointPlan,
        base: Case,
        tried: list[tuple[Case, str, set[Line]]],
        covered: set[Line],
    ) -> Case | None:
        """Keep the cases that ran new lines or got a new status; the first that works."""
        statuses = {c.outcome.status for c in plan.cases if c.outcome}
        crashed = base.outcome is not None and base.outcome.server_error
        works = None
        kept = 0
        for case, subject, lines in tried:
            outcome = case.outcome
            if outcome is None or outcome.setup_error or outcome.network or outcome.timed_out:
                continue
            if outcome.server_error:
                if not crashed:
                    self._crash(plan, case, subject)
                continue
            refused = 400 <= outcome.status < 500
            if not (outcome.succeeded or refused) or not (
                lines - covered or outcome.status not in statuses
            ):
                continue
            again = self.prober.run(case)
            if (again.status, again.setup_error) != (outcome.status, None):
                continue  # it does not answer alike twice: no test could rely on it
            case.outcome = again
            case.kind = VARIANT if outcome.succeeded else REFUSED_VARIANT
            case.subject = subject
            plan.cases.append(case)
            covered |= lines
            statuses.add(outcome.status)
            works = works or (case if outcome.succeeded else None)
            kept += 1
            if kept >= _KEPT:
                break
        self.report.kept += kept
        return works

    def _crash(self, plan: EndpointPlan, case: Case, subject: str) -> None:
        """Report the first request near a working one that crashes the app, per endpoint."""
        if any(c.startswith(f"{plan.endpoint.label} ") for c in self.report.crashes):
            return
        shown = f"{plan.endpoint.label} {subject.replace('_', ' ')}"
        self.report.crashes.append(f"{shown}: the app fails ({_failure(case)})")


def _view(plan: EndpointPlan) -> Any:
    view = plan.endpoint.view
    return inspect.unwrap(view) if view is not None else None


def _signature(case: Case) -> str:
    request = case.request
    return repr((request.auth, request.body, request.query, request.headers, case.setups))


def _failure(case: Case) -> str:
    outcome = case.outcome
    assert outcome is not None
    error = outcome.exception or outcome.handled_exception
    if error is not None:
        return f"{type(error).__name__}: {error}"[:160]
    return f"it answered {outcome.status}"
