"""Runs of the suite under audit: pytest in a child process, in an order, with what it saw."""

from __future__ import annotations

import importlib.util
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_testkit.audit import outcomes_plugin, state_plugin
from flask_testkit.forking import PytestRuns

BAD = frozenset({"failed", "error"})
GOOD = frozenset({"passed", "xfailed"})
# Set by a pytest run around the audit (its own tests); the child is a run of its own.
_RUN_VARIABLES = ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_CURRENT_TEST")


@dataclass
class Run:
    """One run: the order its tests took, each one's outcome, and what observers wrote."""

    label: str
    order: list[str]
    tests: dict[str, dict[str, Any]]
    collect_errors: list[str]
    seconds: float
    output: str = field(default="", repr=False)
    state: dict[str, Any] | None = None
    endpoints: dict[str, Any] | None = None

    def outcome(self, nodeid: str) -> str:
        """passed, failed, error, skipped, xfailed, xpassed or notrun."""
        entry = self.tests.get(nodeid)
        return str(entry["outcome"]) if entry else "notrun"


@dataclass(frozen=True)
class Observe:
    """What the observed run records besides outcomes: shared state and endpoint coverage."""

    packages: frozenset[str]


def has_randomly() -> bool:
    """Whether pytest-randomly can shuffle the runs."""
    return importlib.util.find_spec("pytest_randomly") is not None


@dataclass
class SuiteRunner:
    """Runs pytest from the project's folder on the tests folder, with the audit's plugins."""

    root: Path
    tests: Path
    work: Path
    runs: int = 0
    #: node id -> its file, from the runs so far: a listed run collects only those files
    paths: dict[str, str] = field(default_factory=dict)
    _pytest: PytestRuns | None = field(default=None, repr=False)

    def run(
        self,
        label: str,
        order: list[str] | str | None = None,
        seed: int | None = None,
        observe: Observe | None = None,
        timeout: float | None = None,
    ) -> Run:
        """A run of the whole suite, or of the listed node ids in the listed order."""
        self.runs += 1
        folder = self.work / f"{self.runs:03d}-{label}"
        folder.mkdir(parents=True, exist_ok=True)
        outcomes = folder / "outcomes.json"
        args = [str(self.tests)]
        options = [
            "-q",
            "--color=no",
            "-p",
            "no:cacheprovider",
            "-p",
            outcomes_plugin.__name__,
            f"{outcomes_plugin.OUTCOMES_OPTION}={outcomes}",
            f"--basetemp={folder / 'tmp'}",
            # Every test runs, even where the project's own options stop at the first failure.
            "--maxfail=0",
            "--continue-on-collection-errors",
        ]
        if isinstance(order, list):
            listed = folder / "order.txt"
            listed.write_text("\n".join(order), encoding="utf-8")
            options.append(f"{outcomes_plugin.ORDER_OPTION}={listed}")
            files = [self.paths[nodeid] for nodeid in order if nodeid in self.paths]
            args = list(dict.fromkeys(files)) if len(files) == len(order) else args
        elif order is not None:
            options.append(f"{outcomes_plugin.ORDER_OPTION}={order}")
        if seed is not None:
            options += ["-p", "randomly", f"--randomly-seed={seed}"]
        else:
            options += ["-p", "no:randomly"]
        if importlib.util.find_spec("xdist") is not None:
            # One process, the tests in the order given, even where addopts hold `-n auto`.
            options += ["-n", "0"]
        if importlib.util.find_spec("pytest_cov") is not None:
            # A project's own --cov (often in addopts) would apply its fail-under to a part run.
            options.append("--no-cov")
        if observe is not None:
            options += [
                "-p",
                state_plugin.__name__,
                f"{state_plugin.STATE_OPTION}={folder / 'state.json'}",
                f"{state_plugin.PACKAGES_OPTION}={','.join(sorted(observe.packages))}",
                f"--endpoint-coverage-json={folder / 'endpoints.json'}",
            ]
        started = time.monotonic()
        output = self._call([*args, *options], folder / "output.txt", timeout)
        seconds = time.monotonic() - started
        if not outcomes.exists():
            tail = output.strip().splitlines()[-1:] or ["no output"]
            return Run(label, [], {}, [tail[0]], seconds, output)
        data = json.loads(outcomes.read_text(encoding="utf-8"))
        run = Run(label, data["order"], data["tests"], data["collect_errors"], seconds, output)
        self.paths.update({nodeid: str(entry["path"]) for nodeid, entry in run.tests.items()})
        if observe is not None:
            run.state = _read_json(folder / "state.json")
            run.endpoints = _read_json(folder / "endpoints.json")
        return run

    def _call(self, args: list[str], log: Path, timeout: float | None) -> str:
        """pytest with these arguments; its output, also kept in log."""
        if self._pytest is None:
            self._pytest = PytestRuns(self.root, _child_env())
        self._pytest.run(args, log, timeout)
        return log.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        """Stop the fork server, if one was started."""
        if self._pytest is not None:
            self._pytest.close()


def _child_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _RUN_VARIABLES}


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded
