"""Run the rendered suite before it is written; leave out every test that is not always clean."""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GeneratorError
from .databases import Database, verification_databases
from .dropping import TestName, defined_tests, tidy, without_tests
from .runs import CLEAN, Measures, Runner, RunResult
from .scratch import make_scratch, place, project_base, remove

# Where a test is defined: module, class (or None) and function.
TestKey = tuple[Path, str | None, str]
Compose = Callable[[dict[Path, str]], dict[Path, str]]
_ROUNDS = 3


@dataclass(frozen=True)
class Project:
    """Where init runs, where the app and the suite live, and the app's package."""

    cwd: Path
    app_root: Path
    out: Path
    package: str
    db_url: str | None = None
    update: bool = False


@dataclass
class DroppedTest:
    """A rendered test left out, with the first line of its failure."""

    name: str
    reason: str
    failed_runs: int
    runs: int


@dataclass
class Verification:
    """What the verification runs saw of the suite that is written."""

    generated: dict[Path, str]
    seeds: tuple[int, int]
    databases: list[str]
    tests: int = 0
    dropped: list[DroppedTest] = field(default_factory=list)
    endpoints: dict[tuple[str, str], tuple[bool, bool]] | None = None
    line_coverage: float | None = None
    notes: list[str] = field(default_factory=list)
    own_failures: list[str] = field(default_factory=list)


class _History:
    """Every outcome each test had, across runs."""

    def __init__(self, base: Path, copy: Path) -> None:
        self.base, self.copy = base, copy
        self.outcomes: dict[TestKey, list[tuple[str, str]]] = {}
        self.nodeids: dict[TestKey, str] = {}
        self.shown: dict[TestKey, str] = {}
        self.broken_modules: dict[Path, str] = {}

    def key(self, entry: dict[str, Any]) -> TestKey:
        path = self.base / Path(entry["path"]).relative_to(self.copy)
        return path, entry["class"], entry["function"]

    def add(self, run: RunResult) -> None:
        for nodeid, entry in run.tests.items():
            key = self.key(entry)
            self.nodeids.setdefault(key, entry["path"] + "::" + nodeid.split("::", 1)[-1])
            self.shown.setdefault(key, os.path.relpath(key[0]) + "::" + nodeid.split("::", 1)[-1])
            self.outcomes.setdefault(key, []).append(
                (entry["outcome"], self.in_project(entry["message"]))
            )
        for error in run.collect_errors:
            path = self.base / Path(error["path"]).relative_to(self.copy)
            self.broken_modules.setdefault(path, self.in_project(error["message"]))

    def in_project(self, message: str) -> str:
        """A message with the scratch copy's paths turned into the project's."""
        return message.replace(str(self.copy), str(self.base))

    def unclean(self) -> set[TestKey]:
        return {k for k, seen in self.outcomes.items() if any(o not in CLEAN for o, _ in seen)}


def verify(
    generated: dict[Path, str],
    compose: Compose,
    project: Project,
    progress: Callable[[str], None],
) -> Verification:
    """The generated sources less the tests that did not pass every run, and what runs saw."""
    base = project_base(project.cwd, project.app_root, project.out)
    first, second = random.SystemRandom().sample(range(1000, 100000), 2)
    with tempfile.TemporaryDirectory(prefix="ftk-verify-") as folder:
        work = Path(folder)
        databases, notes = verification_databases(project.db_url, work)
        result = Verification(dict(generated), (first, second), [d.label for d in databases])
        result.notes = notes
        try:
            _Verifier(result, compose, project, base, work, databases, progress).run()
        finally:
            for database in databases:
                database.drop()
    return result


class _Verifier:
    """The runs of one verification, on a scratch copy that follows the sources as tests go."""

    def __init__(
        self,
        result: Verification,
        compose: Compose,
        project: Project,
        base: Path,
        work: Path,
        databases: list[Database],
        progress: Callable[[str], None],
    ) -> None:
        self.result, self.compose, self.project = result, compose, project
        self.base, self.databases, self.progress = base, databases, progress
        self.files = compose(result.generated)
        self.copy = make_scratch(base, project.out, self.files, work)
        self.runner = Runner(
            cwd=self.copy / project.cwd.relative_to(base),
            out=os.path.relpath(project.out, project.cwd),
            pythonpath=self.copy / project.app_root.relative_to(base),
            work=work,
        )
        self.measures = Measures(project.package, work / "measures")

    def run(self) -> None:
        """Run twice per database, then leave out and confirm until the suite is clean."""
        ours = _our_tests(self.files, self.project.update)
        history = _History(self.base, self.copy)
        total = len(self.databases) * 2
        step = 0
        final: RunResult | None = None
        for database in self.databases:
            for seed in self.result.seeds:
                step += 1
                self.progress(f"verifying: run {step} of {total} (seed {seed}, {database.label})")
                measures = self.measures if step == 1 else None
                run = self.runner.run(seed, database.url, measures=measures, label=f"run{step}")
                final = final or run
                history.add(run)
        for round_number in range(_ROUNDS):
            failing = {key for key in history.unclean() if key in ours}
            if not failing and not history.broken_modules:
                break
            if round_number == _ROUNDS - 1:
                raise GeneratorError(
                    "verification could not reach a passing suite by leaving failing tests out; "
                    "nothing was written. Please report this; --no-verify writes it as rendered."
                )
            self._rerun(failing, history)
            self.result.dropped += self._drop(failing, history, ours)
            ours = self._recompose()
            history, final = self._confirm(round_number)
        assert final is not None
        self._figures(final, history, ours)

    def _rerun(self, failing: set[TestKey], history: _History) -> None:
        """Run the tests that were not clean once more, on their own: broken, or flaky."""
        nodeids = sorted(history.nodeids[key] for key in failing if key in history.nodeids)
        if not nodeids:
            return
        for number, database in enumerate(self.databases):
            self.progress(f"verifying: {len(nodeids)} failing tests again ({database.label})")
            seed = self.result.seeds[0]
            history.add(self.runner.run(seed, database.url, only=nodeids, label=f"rerun{number}"))

    def _drop(
        self, failing: set[TestKey], history: _History, ours: set[TestKey]
    ) -> list[DroppedTest]:
        """Take the failing tests, and modules that did not import, out of the sources."""
        generated = self.result.generated
        dropped = []
        for path, message in sorted(history.broken_modules.items()):
            if path not in generated:
                raise GeneratorError(
                    f"verification: {path.name} does not import ({message}); nothing was "
                    "written. Please report this; --no-verify writes the suite as rendered."
                )
            del generated[path]
            tests = sorted(name for where, _, name in ours if where == path)
            shown = os.path.relpath(path)
            dropped += [DroppedTest(f"{shown}::{name}", message, 1, 1) for name in tests]
        by_module: dict[Path, set[TestName]] = {}
        for key in sorted(failing, key=str):
            path, cls, name = key
            if path not in generated:
                continue
            by_module.setdefault(path, set()).add((cls, name))
            seen = history.outcomes.get(key, [])
            bad = [message for outcome, message in seen if outcome not in CLEAN]
            shown = "::".join([os.path.relpath(path), *filter(None, [cls]), name])
            dropped.append(DroppedTest(shown, bad[0] if bad else "not clean", len(bad), len(seen)))
        for path, names in by_module.items():
            source = without_tests(generated[path], names)
            if defined_tests(source):
                generated[path] = tidy(path, source, self.copy)
            else:
                del generated[path]
        return dropped

    def _recompose(self) -> set[TestKey]:
        """Put the new sources in the copy; a file no longer written goes back as it was."""
        before, self.files = self.files, self.compose(self.result.generated)
        gone = [path for path in before if path not in self.files]
        remove(self.base, self.copy, [path for path in gone if not path.exists()])
        kept = {path: path.read_text(encoding="utf-8") for path in gone if path.exists()}
        place(self.base, self.copy, {**kept, **self.files})
        ours = _our_tests(self.files, self.project.update)
        if not ours:
            first = self.result.dropped[0]
            raise GeneratorError(
                f"verification: no rendered test passed ({first.name}: {first.reason}); nothing "
                "was written. Please report this; --no-verify writes the suite as rendered."
            )
        return ours

    def _confirm(self, round_number: int) -> tuple[_History, RunResult]:
        """The suite without the dropped tests, once per database."""
        history = _History(self.base, self.copy)
        final = None
        for number, database in enumerate(self.databases):
            self.progress(f"verifying: the suite without the dropped tests ({database.label})")
            run = self.runner.run(
                self.result.seeds[0],
                database.url,
                measures=self.measures if number == 0 else None,
                label=f"confirm{round_number}-{number}",
            )
            final = final or run
            history.add(run)
        assert final is not None
        return history, final

    def _figures(self, final: RunResult, history: _History, ours: set[TestKey]) -> None:
        """The summary's figures, from the last run of the suite that is written."""
        result = self.result
        result.endpoints = _endpoint_cases(final.endpoints)
        result.line_coverage = final.line_coverage
        outcomes = {history.key(entry): entry["outcome"] for entry in final.tests.values()}
        result.tests = sum(
            1
            for entry in final.tests.values()
            if history.key(entry) in ours and entry["outcome"] in CLEAN
        )
        result.own_failures = sorted(
            history.shown.get(key, key[2])
            for key, outcome in outcomes.items()
            if key not in ours and outcome not in CLEAN
        )


def _our_tests(files: dict[Path, str], update: bool) -> set[TestKey]:
    """The tests verification may leave out: those it adds, never the user's own."""
    found: set[TestKey] = set()
    for path, source in files.items():
        if path.suffix != ".py" or not path.name.startswith("test"):
            continue
        names = defined_tests(source)
        if update and path.exists():
            names -= defined_tests(path.read_text(encoding="utf-8"))
        found |= {(path, cls, name) for cls, name in names}
    return found


def _endpoint_cases(data: dict[str, Any] | None) -> dict[tuple[str, str], tuple[bool, bool]] | None:
    """(METHOD, rule) -> (has a happy path, has an error case), from the endpoint report."""
    if data is None:
        return None
    cases: dict[tuple[str, str], tuple[bool, bool]] = {}
    for row in data["endpoints"]:
        statuses = [int(status) for status in row["statuses"]]
        happy = any(200 <= s < 400 for s in statuses)
        error = any(400 <= s < 500 for s in statuses)
        old = cases.get((row["method"], row["rule"]), (False, False))
        cases[(row["method"], row["rule"])] = (old[0] or happy, old[1] or error)
    return cases
