"""One verification run: pytest on the scratch copy, in a forked child, and what it saw."""

from __future__ import annotations

import importlib.util
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...forking import PytestRuns, RunTimedOut
from ..errors import GeneratorError
from . import shuffle

PLUGIN = shuffle.__name__
_TIMEOUT = 900.0
# Set by a pytest run around `init` (its own tests); the child is a run of its own.
_RUN_VARIABLES = ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_CURRENT_TEST")
CLEAN = frozenset({"passed", "xfailed"})


class SuiteDidNotRun(GeneratorError):
    """The rendered suite stopped before its tests ran (its conftest failed, say)."""


@dataclass(frozen=True)
class Measures:
    """Where a run records line coverage of the app's package and the endpoint report."""

    packages: tuple[str, ...]
    folder: Path


@dataclass
class RunResult:
    """What one run saw: each test's outcome and message, and its order."""

    seed: int
    tests: dict[str, dict[str, Any]]
    order: list[str]
    collect_errors: list[dict[str, str]]
    endpoints: dict[str, Any] | None = None
    line_coverage: float | None = None
    output: str = field(default="", repr=False)


@dataclass
class Runner:
    """Runs pytest in the scratch copy: cwd and the suite's folder, relative to it."""

    cwd: Path
    out: str
    pythonpath: Path
    work: Path
    _pytest: PytestRuns | None = field(default=None, repr=False)

    def run(
        self,
        seed: int,
        db_url: str,
        only: list[str] | None = None,
        measures: Measures | None = None,
        label: str = "run",
    ) -> RunResult:
        """pytest on the suite (or only the given tests) with this seed and database."""
        outcomes = self.work / f"{label}-outcomes.json"
        outcomes.unlink(missing_ok=True)
        pytest_args = [
            *(only if only else [self.out]),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-p",
            PLUGIN,
            shuffle.SEED_OPTION,
            str(seed),
            shuffle.OUTCOMES_OPTION,
            str(outcomes),
            f"--basetemp={self.work / (label + '-tmp')}",
            f"--db-url={db_url}",
            # Every test runs, even where the project's own options stop at the first failure.
            "--maxfail=0",
            # A module that does not import must not stop the others from running.
            "--continue-on-collection-errors",
        ]
        if importlib.util.find_spec("pytest_cov") is not None:
            # The project's own `--cov` (often in addopts) would take our tracer over, write its
            # data file into the project and apply its own fail-under.
            pytest_args.append("--no-cov")
        rcfile = None
        if measures is not None:
            rcfile = self._coverage_config(measures)
            pytest_args.append(f"--endpoint-coverage-json={measures.folder / 'endpoints.json'}")
        log = self.work / f"{label}-output.txt"
        self._call(pytest_args, log, rcfile)
        output = log.read_text(encoding="utf-8", errors="replace")
        if not outcomes.exists():
            tail = output.strip().splitlines()[-1:] or ["no output"]
            raise SuiteDidNotRun(
                f"verification could not run the rendered suite ({tail[0]}); nothing was written. "
                "Please report this; --no-verify writes the suite without running it."
            )
        data = json.loads(outcomes.read_text(encoding="utf-8"))
        run = RunResult(
            seed,
            data["tests"],
            data["order"],
            data["collect_errors"],
            output=output,
        )
        if measures is not None:
            run.endpoints = _read_json(measures.folder / "endpoints.json")
            run.line_coverage = self._line_coverage(measures)
        return run

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _RUN_VARIABLES}
        env.pop("TEST_DATABASE_URL", None)  # each run names its database with --db-url
        # The copy's app comes first, even when the user's is installed in editable mode.
        env["PYTHONPATH"] = os.pathsep.join(
            [str(self.pythonpath), *filter(None, [env.get("PYTHONPATH")])]
        )
        # No bytecode is written next to files of the user's. A PYTHONPYCACHEPREFIX in the
        # environment keeps it apart from them, and the runs after the first then reuse it.
        if env.get("PYTHONPYCACHEPREFIX"):
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env

    def _call(self, pytest_args: list[str], log: Path, rcfile: Path | None) -> None:
        if self._pytest is None:
            self._pytest = PytestRuns(self.cwd, self._env())
        try:
            self._pytest.run(pytest_args, log, _TIMEOUT, coverage=rcfile)
        except RunTimedOut:
            raise GeneratorError(
                f"the rendered suite ran longer than {_TIMEOUT:.0f} s in verification; nothing "
                "was written. Pass --no-verify to write it without running it."
            ) from None

    def close(self) -> None:
        """Stop the process the runs are forked from."""
        if self._pytest is not None:
            self._pytest.close()

    def _coverage_config(self, measures: Measures) -> Path:
        # A file of our own, so a project's coverage settings cannot send the data elsewhere.
        measures.folder.mkdir(parents=True, exist_ok=True)
        rcfile = measures.folder / "coveragerc"
        rcfile.write_text(
            f"[run]\ndata_file = {measures.folder / 'coverage-data'}\n"
            f"source_pkgs = {', '.join(measures.packages)}\n",
            encoding="utf-8",
        )
        return rcfile

    def _line_coverage(self, measures: Measures) -> float | None:
        # The data lists the package's files the run never imported too; no child is needed.
        import coverage

        data = measures.folder / "coverage-data"
        cov = coverage.Coverage(data_file=str(data), config_file=False)
        try:
            cov.load()
            return float(cov.report(file=io.StringIO()))
        except coverage.exceptions.CoverageException:
            return None


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def endpoint_cases(data: dict[str, Any] | None) -> dict[tuple[str, str], tuple[bool, bool]] | None:
    """(METHOD, rule) -> (has a happy path, has an error case), as the endpoint report says."""
    if data is None:
        return None
    cases: dict[tuple[str, str], tuple[bool, bool]] = {}
    for row in data["endpoints"]:
        # The report's own flags, so the summary and the report can never disagree.
        flags = set(row["flags"])
        happy = not flags & {"untested", "no_happy_path"}
        error = not flags & {"untested", "no_error_case"}
        old = cases.get((row["method"], row["rule"]), (False, False))
        cases[(row["method"], row["rule"])] = (old[0] or happy, old[1] or error)
    return cases
