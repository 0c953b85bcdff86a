"""A pytest plugin for verification runs: shuffle the tests by a seed, record each outcome."""

from __future__ import annotations

import json
import random
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

SEED_OPTION = "--testkit-seed"
OUTCOMES_OPTION = "--testkit-outcomes"
# The worst outcome of a test's phases wins: a passing call with a failing teardown is an error.
_RANK = {
    "notrun": -1,
    "passed": 0,
    "xfailed": 1,
    "skipped": 2,
    "xpassed": 3,
    "failed": 4,
    "error": 5,
}


def pytest_addoption(parser: pytest.Parser) -> None:
    """The seed of the order, and the file the outcomes go to."""
    group = parser.getgroup("testkit-verify", "flask-testkit verification runs")
    group.addoption(SEED_OPTION, type=int, default=None, help="Shuffle the tests with this seed.")
    group.addoption(OUTCOMES_OPTION, default=None, help="Write each test's outcome to this file.")


def pytest_configure(config: pytest.Config) -> None:
    """Record only when asked for a file."""
    if config.getoption("testkit_outcomes"):
        config.pluginmanager.register(Recorder(config), "flask_testkit_verify_recorder")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the collected tests in the order the seed gives."""
    seed = config.getoption("testkit_seed")
    if seed is not None:
        random.Random(seed).shuffle(items)


# Frames of these functions mean the exception came out of the app handling a request.
_REQUEST_FRAMES = frozenset({"full_dispatch_request", "wsgi_app"})


def _raised(excinfo: pytest.ExceptionInfo[BaseException]) -> dict[str, Any]:
    """What was raised: its classes (most derived first), and whether a request raised it."""
    exc = excinfo.value
    in_request = any(
        entry.name in _REQUEST_FRAMES and "flask" in str(entry.path) for entry in excinfo.traceback
    )
    statement = getattr(exc, "statement", None)
    return {
        "classes": [f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__],
        "in_request": in_request,
        "statement": " ".join(str(statement).split())[:300] if statement else None,
    }


def _first_line(report: pytest.TestReport | pytest.CollectReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = getattr(crash, "message", None) or str(report.longrepr or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "no message"
    # A bare `assert x` gives "AssertionError" first and the expression after it.
    return lines[0] if len(lines) == 1 or lines[0] != "AssertionError" else lines[1]


class Recorder:
    """Collects, per test, where it is defined, its outcome and its first failure line."""

    def __init__(self, config: pytest.Config) -> None:
        self.path = Path(config.getoption("testkit_outcomes"))
        self.rootpath = config.rootpath
        self.tests: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.collect_errors: list[dict[str, str]] = []
        self.raised: dict[tuple[str, str], dict[str, Any]] = {}

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Note where each test is defined, in the order the run takes."""
        for item in session.items:
            cls = getattr(item, "cls", None)
            self.tests[item.nodeid] = {
                "path": str(item.path),
                "class": cls.__name__ if cls is not None else None,
                "function": getattr(item, "originalname", None) or item.name.split("[")[0],
                "outcome": "notrun",
                "message": "did not run",
                "raised": None,
            }
            self.order.append(item.nodeid)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Keep what each phase raised, for the report that pytest makes of it."""
        report = yield
        if call.excinfo is not None and not call.excinfo.errisinstance(pytest.skip.Exception):
            self.raised[(item.nodeid, call.when)] = _raised(call.excinfo)
        return report

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A module that does not import fails every test in it."""
        if report.failed:
            path = str(self.rootpath / report.nodeid.split("::")[0])
            self.collect_errors.append(
                {"nodeid": report.nodeid, "path": path, "message": _first_line(report)}
            )

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep the worst outcome of the test's phases."""
        entry = self.tests.get(report.nodeid) or self._from_report(report)
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
        elif report.failed:
            outcome = "failed" if report.when == "call" else "error"
        else:
            outcome = report.outcome
        if _RANK[outcome] > _RANK[entry["outcome"]]:
            entry["outcome"] = outcome
            entry["message"] = (
                _first_line(report) if report.failed else str(getattr(report, "wasxfail", ""))
            )
            entry["raised"] = self.raised.get((report.nodeid, report.when))
            entry["when"] = report.when
            if outcome == "skipped" and isinstance(report.longrepr, tuple):
                entry["message"] = str(report.longrepr[2])
            if outcome == "xpassed" and not entry["message"]:
                entry["message"] = "XPASS: the expected failure did not happen"

    def _from_report(self, report: pytest.TestReport) -> dict[str, Any]:
        """A test this process did not collect (pytest-xdist's workers did), by its node id."""
        parts = report.nodeid.split("::")
        entry = {
            "path": str(self.rootpath / parts[0]),
            "class": parts[-2] if len(parts) > 2 else None,
            "function": parts[-1].split("[")[0],
            "outcome": "notrun",
            "message": "did not run",
        }
        self.tests[report.nodeid] = entry
        self.order.append(report.nodeid)
        return entry

    def pytest_sessionfinish(self) -> None:
        """Write what was seen."""
        data = {"order": self.order, "tests": self.tests, "collect_errors": self.collect_errors}
        self.path.write_text(json.dumps(data, indent=1), encoding="utf-8")
