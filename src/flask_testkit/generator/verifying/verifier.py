"""Run the rendered suite before it is written; leave out every test that is not always clean."""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..code import string
from ..errors import GeneratorError
from .databases import Database, verification_databases
from .dropping import TestName, defined_tests, tidy, with_markers, without_tests
from .history import BACKEND_NAMES, History, TestKey, backend_failure
from .runs import CLEAN, Measures, Runner, RunResult, endpoint_cases
from .scratch import changed_files, make_scratch, place, project_base, remove, tree_state

Compose = Callable[[dict[Path, str]], dict[Path, str]]
_ROUNDS = 3


@dataclass(frozen=True)
class Project:
    """Where init runs, where the app and the suite live, and the app's packages."""

    cwd: Path
    app_root: Path
    out: Path
    packages: tuple[str, ...]
    db_url: str | None = None
    update: bool = False
    app_refusals: dict[str, str] = field(default_factory=dict)


@dataclass
class DroppedTest:
    """A rendered test left out, with the first line of its failure."""

    name: str
    reason: str
    failed_runs: int
    runs: int


@dataclass
class BackendFailure:
    """A test kept as a strict xfail on the one database where the app fails."""

    name: str
    backend: str
    reason: str


@dataclass
class Verification:
    """What the verification runs saw of the suite that is written."""

    generated: dict[Path, str]
    seeds: tuple[int, int]
    databases: list[str]
    tests: int = 0
    dropped: list[DroppedTest] = field(default_factory=list)
    backend_failures: list[BackendFailure] = field(default_factory=list)
    endpoints: dict[tuple[str, str], tuple[bool, bool]] | None = None
    line_coverage: float | None = None
    notes: list[str] = field(default_factory=list)
    own_failures: list[str] = field(default_factory=list)
    # Files of the project that the suite's runs made or changed (the app wrote them).
    project_writes: list[str] = field(default_factory=list)


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
        verifier = None
        try:
            verifier = _Verifier(result, compose, project, base, work, databases, progress)
            verifier.run()
        finally:
            if verifier is not None:
                verifier.runner.close()
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
        self.suite_folder = self.copy / project.out.relative_to(base)
        self.before = tree_state(self.copy, self.suite_folder)
        self.runner = Runner(
            cwd=self.copy / project.cwd.relative_to(base),
            out=os.path.relpath(project.out, project.cwd),
            pythonpath=self.copy / project.app_root.relative_to(base),
            work=work,
        )
        self.measures = Measures(project.packages, work / "measures")
        self.marked: set[TestKey] = set()

    def run(self) -> None:
        """Run twice on SQLite and once per other database, then drop and confirm until clean."""
        ours = _our_tests(self.files, self.project.update)
        history = History(self.base, self.copy)
        first, second = self.result.seeds
        # The user's database repeats SQLite's second order, so a difference there is the backend's.
        plan = [(self.databases[0], first), (self.databases[0], second)]
        plan += [(database, second) for database in self.databases[1:]]
        final: RunResult | None = None
        for step, (database, seed) in enumerate(plan, start=1):
            self.progress(f"verifying: run {step} of {len(plan)} (seed {seed}, {database.label})")
            measures = self.measures if step == 1 else None
            run = self.runner.run(seed, database.url, measures=measures, label=f"run{step}")
            final = final or run
            history.add(run, database.backend)
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
            failing -= self._mark_backend_failures(failing, history)
            self.result.dropped += self._drop(failing, history, ours)
            ours = self._recompose()
            history, final = self._confirm(round_number)
        assert final is not None
        self._figures(final, history, ours)
        after = tree_state(self.copy, self.suite_folder)
        self.result.project_writes = changed_files(self.before, after)

    def _rerun(self, failing: set[TestKey], history: History) -> None:
        """Run the tests that were not clean once more, on their own: broken, or flaky."""
        nodeids = sorted(history.nodeids[key] for key in failing if key in history.nodeids)
        if not nodeids:
            return
        for number, database in enumerate(self.databases):
            self.progress(f"verifying: {len(nodeids)} failing tests again ({database.label})")
            seed = self.result.seeds[0]
            run = self.runner.run(seed, database.url, only=nodeids, label=f"rerun{number}")
            history.add(run, database.backend)

    def _mark_backend_failures(self, failing: set[TestKey], history: History) -> set[TestKey]:
        """Keep, as a strict xfail there, each test that fails only where the database refuses."""
        generated = self.result.generated
        markers: dict[Path, dict[TestName, str]] = {}
        imports: dict[Path, set[tuple[str, str]]] = {}
        marked = set()
        for key in sorted(failing, key=str):
            path, cls, name = key
            found = backend_failure(history.outcomes.get(key, []), self.project.app_refusals)
            if found is None or path not in generated or key in self.marked:
                continue
            backend, exception, message = found
            module, _, exc_name = exception.rpartition(".")
            reason = f"the app fails here on {BACKEND_NAMES.get(backend, backend)} only: {message}"
            if len(reason) > 110:
                reason = reason[:107] + "..."
            markers.setdefault(path, {})[(cls, name)] = (
                f"@pytest.mark.xfail({string(f'flask_db_backend == {backend!r}')}, "
                f"raises={exc_name}, strict=True, reason={string(reason)})"
            )
            imports.setdefault(path, set()).add((module, exc_name))
            shown = "::".join([os.path.relpath(path), *filter(None, [cls]), name])
            self.result.backend_failures.append(BackendFailure(shown, backend, message))
            marked.add(key)
        self.marked |= marked
        for path, names in markers.items():
            source = with_markers(generated[path], names, imports[path])
            generated[path] = tidy(path, source, self.copy)
        return marked

    def _drop(
        self, failing: set[TestKey], history: History, ours: set[TestKey]
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
            bad = [s.message for s in seen if not s.clean]
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

    def _confirm(self, round_number: int) -> tuple[History, RunResult]:
        """The suite without the dropped tests, once per database."""
        history = History(self.base, self.copy)
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
            history.add(run, database.backend)
        assert final is not None
        return history, final

    def _figures(self, final: RunResult, history: History, ours: set[TestKey]) -> None:
        """The summary's figures, from the last run of the suite that is written."""
        result = self.result
        result.endpoints = endpoint_cases(final.endpoints)
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
