"""A pytest plugin for the audit's runs: put the tests in a given order, record each outcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ORDER_OPTION = "--audit-order"
OUTCOMES_OPTION = "--audit-outcomes"
REVERSE = "reverse"
# The worst outcome of a test's phases wins: a passing call with a failing teardown is an error.
_RANK = {
    "notrun": -1,
    "passed": 0,
    "skipped": 1,
    "xfailed": 2,
    "xpassed": 3,
    "failed": 4,
    "error": 5,
}


def pytest_addoption(parser: pytest.Parser) -> None:
    """The order of the run, and the file the outcomes go to."""
    group = parser.getgroup("testkit-audit", "flask-testkit audit runs")
    group.addoption(
        ORDER_OPTION,
        default=None,
        help=f"'{REVERSE}', or a file of node ids: run only those, in that order.",
    )
    group.addoption(OUTCOMES_OPTION, default=None, help="Write each test's outcome to this file.")


def pytest_configure(config: pytest.Config) -> None:
    """Record only when asked for a file."""
    if config.getoption("audit_outcomes"):
        config.pluginmanager.register(OutcomeRecorder(config), "flask_testkit_audit_outcomes")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Reverse the collected tests, or keep the listed ones in the listed order."""
    order = config.getoption("audit_order")
    if order is None:
        return
    if order == REVERSE:
        items.reverse()
        return
    wanted = Path(order).read_text(encoding="utf-8").split("\n")
    by_id = {item.nodeid: item for item in items}
    chosen = [by_id[nodeid] for nodeid in wanted if nodeid in by_id]
    deselected = [item for item in items if item.nodeid not in set(wanted)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    items[:] = chosen


class OutcomeRecorder:
    """Each test's place in the run, where it is defined, and its worst outcome."""

    def __init__(self, config: pytest.Config) -> None:
        self.path = Path(config.getoption("audit_outcomes"))
        self.order: list[str] = []
        self.tests: dict[str, dict[str, object]] = {}
        self.collect_errors: list[str] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Note the order of the run and where each test is defined."""
        for item in session.items:
            line = item.location[1]
            self.tests[item.nodeid] = {
                "path": str(item.path),
                "line": line + 1 if line is not None else None,
                "outcome": "notrun",
                "message": "",
            }
            self.order.append(item.nodeid)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A module that does not import is named with the first line of its error."""
        if report.failed:
            text = str(report.longrepr or "").strip().splitlines()
            self.collect_errors.append(f"{report.nodeid}: {text[-1] if text else 'error'}")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep the worst outcome of the test's phases."""
        entry = self.tests.get(report.nodeid)
        if entry is None:
            return
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
        elif report.failed:
            outcome = "failed" if report.when == "call" else "error"
        else:
            outcome = report.outcome
        if _RANK[outcome] > _RANK[str(entry["outcome"])]:
            entry["outcome"] = outcome
            crash = getattr(report.longrepr, "reprcrash", None)
            entry["message"] = str(getattr(crash, "message", "") or "").split("\n")[0][:300]

    def pytest_sessionfinish(self) -> None:
        """Write what was seen."""
        data = {"order": self.order, "tests": self.tests, "collect_errors": self.collect_errors}
        self.path.write_text(json.dumps(data, indent=1), encoding="utf-8")
