"""A pytest plugin for the audit's observed run: what each test changed and left changed.

Before each test, and again once the test's own fixtures are torn down (before any class,
module or session fixture is), it takes a snapshot of what tests can share: rows per table, the
app's module globals, `app.config`, `os.environ` and the pushed app context. A difference is
state the test left for the next one. Setting up a wider fixture moves the starting point, so
what a session fixture builds is never blamed on the first test that asked for it.
"""

from __future__ import annotations

import json
import sys
import weakref
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from flask_testkit.audit.snapshots import Snapshot, count_rows, difference, take_snapshot

STATE_OPTION = "--audit-state"
PACKAGES_OPTION = "--audit-packages"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Where the observations go, and which packages are the app's own."""
    group = parser.getgroup("testkit-audit", "flask-testkit audit runs")
    group.addoption(STATE_OPTION, default=None, help="Write what each test left changed here.")
    group.addoption(PACKAGES_OPTION, default="", help="The app's own packages, comma-separated.")


def pytest_configure(config: pytest.Config) -> None:
    """Observe only when asked for a file."""
    if config.getoption("audit_state"):
        config.pluginmanager.register(StateObserver(config), "flask_testkit_audit_state")


def _isolation_active() -> bool:
    isolation = sys.modules.get("flask_testkit.isolation")
    return bool(getattr(isolation, "_pinned", None))


class StateObserver:
    """Snapshots around each test, statements counted per test, written at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.path = Path(config.getoption("audit_state"))
        option = config.getoption("audit_packages")
        self.packages = tuple(name for name in option.split(",") if name)
        self.engines: weakref.WeakSet[Any] = weakref.WeakSet()
        self.apps: weakref.WeakSet[Any] = weakref.WeakSet()
        self.isolated = False
        self.statements = 0
        self.in_call = False
        self.before: Snapshot | None = None
        self.after: Snapshot | None = None
        self.wider_teardown = False
        self.tests: dict[str, dict[str, Any]] = {}
        self._listen()

    def _listen(self) -> None:
        from flask import appcontext_pushed
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        def on_execute(conn: Any, *args: Any) -> None:
            self.engines.add(conn.engine)
            if self.in_call:
                self.statements += 1

        def on_pushed(app: Any, **extra: Any) -> None:
            self.apps.add(app)

        self._on_execute, self._on_pushed = on_execute, on_pushed
        event.listen(Engine, "before_cursor_execute", on_execute)
        appcontext_pushed.connect(on_pushed)

    def _snapshot(self, rows: bool = False) -> Snapshot:
        snapshot = take_snapshot(self.packages, list(self.apps))
        # Rows are counted only before a test and after its whole teardown, when no transaction
        # of its is open, and never under flask-testkit's isolation: nothing is left to find
        # there, and a second connection beside the pinned one is what the isolation refuses.
        if rows and not self.isolated and not _isolation_active():
            snapshot.rows = count_rows(list(self.engines))
        return snapshot

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        """Compare what was shared before the test with what its teardown left."""
        self.before, self.after, self.wider_teardown = self._snapshot(rows=True), None, False
        self.statements = 0
        result = yield
        after = self.after or self._snapshot()
        after.rows = self._snapshot(rows=True).rows
        line = item.location[1]
        entry = difference(self.before, after)
        entry.update(
            path=str(item.path),
            line=line + 1 if line is not None else None,
            statements=self.statements,
        )
        if self.isolated:
            entry.pop("rows", None)
        self.tests[item.nodeid] = entry
        self.before = None
        return result

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        """Count the statements the test itself runs; note whether flask-testkit isolates it."""
        self.in_call = True
        try:
            return (yield)
        finally:
            self.in_call = False
            self.isolated = self.isolated or _isolation_active()

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(
        self, fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
    ) -> Generator[None, object, object]:
        """A wider fixture's setup is not the test's doing: start comparing after it."""
        result = yield
        if fixturedef.scope != "function" and self.before is not None:
            self.before = self._snapshot(rows=True)
        return result

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        """A first look at what the test left, for tests that have no fixtures to tear down."""
        self.after = self._snapshot()

    def pytest_fixture_post_finalizer(self, fixturedef: pytest.FixtureDef[Any]) -> None:
        """After each of the test's own fixtures; stop at the first wider one."""
        if self.before is None or self.wider_teardown:
            return
        if fixturedef.scope == "function":
            self.after = self._snapshot()
        else:
            self.wider_teardown = True

    def pytest_sessionfinish(self) -> None:
        """Write what was seen, and stop listening."""
        from flask import appcontext_pushed
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "before_cursor_execute", self._on_execute)
        appcontext_pushed.disconnect(self._on_pushed)
        data = {"isolated": self.isolated, "tests": self.tests}
        self.path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
