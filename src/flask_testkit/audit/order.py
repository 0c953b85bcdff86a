"""The order-dependence rule: the suite in other orders, and the tests that change an outcome.

A test whose outcome differs between orders is run after halves of the tests that came before it
where it failed (as detect-test-pollution does), down to the one test that makes it fail. A test
that fails even on its own is looked at the other way: which earlier test makes it pass.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_testkit.audit.runner import BAD, GOOD, Run, SuiteRunner, has_randomly
from flask_testkit.forking import RunTimedOut
from flask_testkit.generator.progress import Progress


class BudgetSpent(Exception):
    """The time the audit may spend on orders is up."""


@dataclass(frozen=True)
class Dependence:
    """A test whose outcome depends on the tests before it, and the ones it was found to need."""

    victim: str
    #: "pollution": fails after `culprits`; "dependency": passes only after them
    kind: str
    culprits: tuple[str, ...]
    #: the runs it failed in and passed in, by label
    failed_in: tuple[str, ...]
    passed_in: tuple[str, ...]
    resolved: bool = True


@dataclass
class OrderReport:
    """What the order runs found, and what the budget left undone."""

    runs: list[tuple[str, float]] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    dependences: list[Dependence] = field(default_factory=list)
    not_bisected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Clock:
    budget: float
    started: float = field(default_factory=time.monotonic)

    def left(self) -> float:
        left = self.budget - (time.monotonic() - self.started)
        if left <= 0:
            raise BudgetSpent
        return left


def _changed(runs: list[Run]) -> list[str]:
    """Tests that failed in one run and passed in another, in the first run's order."""
    first = runs[0]
    names = list(dict.fromkeys([n for run in runs for n in run.order]))
    names.sort(key=lambda n: first.order.index(n) if n in first.tests else len(first.order))
    return [
        name
        for name in names
        if any(run.outcome(name) in BAD for run in runs)
        and any(run.outcome(name) in GOOD for run in runs)
    ]


def _before(run: Run, nodeid: str) -> list[str]:
    return run.order[: run.order.index(nodeid)]


def _bisect(candidates: list[str], holds: Callable[[list[str]], bool]) -> tuple[list[str], bool]:
    """The fewest candidates (in order) after which `holds`; False when halves did not split."""
    current = candidates
    while len(current) > 1:
        half = len(current) // 2
        first, second = current[:half], current[half:]
        if holds(first):
            current = first
        elif holds(second):
            current = second
        else:
            return current, False
    return current, bool(current) and (len(candidates) > 1 or holds(current))


def find_order_dependence(
    runner: SuiteRunner, own: Run, budget: float, seed: int | None, progress: Progress
) -> OrderReport:
    """Run the suite reversed and in two random orders; bisect each test whose outcome changed."""
    report = OrderReport(runs=[(own.label, own.seconds)])
    clock = _Clock(budget)
    runs = [own]
    orders: list[tuple[str, str | None, int | None]] = [("reverse", "reverse", None)]
    if has_randomly():
        first = seed if seed is not None else random.randrange(1, 2**31)
        report.seeds = [first, first + 1]
        orders += [(f"random (seed {s})", None, s) for s in report.seeds]
    else:
        report.notes.append("pytest-randomly is not installed: no random orders were run")
    try:
        with progress.steps("running the suite in other orders", len(orders), "runs") as advance:
            for label, order, run_seed in orders:
                run = runner.run(label, order=order, seed=run_seed, timeout=clock.left())
                runs.append(run)
                report.runs.append((label, run.seconds))
                advance()
    except (BudgetSpent, RunTimedOut):
        report.notes.append(f"the budget of {budget:g} s ran out while running other orders")
    victims = _changed(runs)
    found: list[str] = []
    with progress.steps("bisecting", len(victims), "tests whose outcome changed") as advance:
        for index, victim in enumerate(victims):
            try:
                report.dependences.append(_explain(runner, runs, victim, found, clock))
            except (BudgetSpent, RunTimedOut):
                report.not_bisected = victims[index:]
                report.notes.append(
                    f"the budget of {budget:g} s ran out: {len(victims) - index} of "
                    f"{len(victims)} tests were not bisected (pass a larger --budget)"
                )
                break
            found += [c for c in report.dependences[-1].culprits if c not in found]
            advance()
    return report


def _explain(
    runner: SuiteRunner, runs: list[Run], victim: str, known: list[str], clock: _Clock
) -> Dependence:
    failing = [run for run in runs if run.outcome(victim) in BAD]
    passing = [run for run in runs if run.outcome(victim) in GOOD]
    failed_in = tuple(run.label for run in failing)
    passed_in = tuple(run.label for run in passing)

    def outcome_after(tests: list[str]) -> str:
        return runner.run("bisect", order=[*tests, victim], timeout=clock.left()).outcome(victim)

    alone = outcome_after([])
    if alone in BAD:
        kind, runs_to_search = "dependency", passing

        def holds(tests: list[str]) -> bool:
            return outcome_after(tests) in GOOD
    else:
        kind, runs_to_search = "pollution", failing

        def holds(tests: list[str]) -> bool:
            return outcome_after(tests) in BAD

    search = min(runs_to_search, key=lambda run: run.order.index(victim))
    candidates = _before(search, victim)
    # A test that explained another victim often explains this one too: one run to check.
    for culprit in (c for c in known if c in candidates):
        if holds([culprit]):
            return Dependence(victim, kind, (culprit,), failed_in, passed_in)
    culprits, resolved = _bisect(candidates, holds)
    return Dependence(victim, kind, tuple(culprits), failed_in, passed_in, resolved)
