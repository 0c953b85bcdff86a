"""What verification runs saw of each test, by database, and failures only one database has."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .runs import CLEAN, RunResult

# Where a test is defined: module, class (or None) and function.
TestKey = tuple[Path, str | None, str]


@dataclass(frozen=True)
class Seen:
    """One outcome of one test: on which database, its first failure line, what was raised."""

    outcome: str
    message: str
    backend: str
    raised: dict[str, Any] | None = None

    @property
    def clean(self) -> bool:
        return self.outcome in CLEAN


class History:
    """Every outcome each test had, across runs."""

    def __init__(self, base: Path, copy: Path) -> None:
        self.base, self.copy = base, copy
        self.outcomes: dict[TestKey, list[Seen]] = {}
        self.nodeids: dict[TestKey, str] = {}
        self.shown: dict[TestKey, str] = {}
        self.broken_modules: dict[Path, str] = {}

    def key(self, entry: dict[str, Any]) -> TestKey:
        path = self.base / Path(entry["path"]).relative_to(self.copy)
        return path, entry["class"], entry["function"]

    def add(self, run: RunResult, backend: str) -> None:
        for nodeid, entry in run.tests.items():
            key = self.key(entry)
            self.nodeids.setdefault(key, entry["path"] + "::" + nodeid.split("::", 1)[-1])
            self.shown.setdefault(key, os.path.relpath(key[0]) + "::" + nodeid.split("::", 1)[-1])
            message = self.in_project(entry["message"])
            seen = Seen(entry["outcome"], message, backend, entry.get("raised"))
            self.outcomes.setdefault(key, []).append(seen)
        for error in run.collect_errors:
            path = self.base / Path(error["path"]).relative_to(self.copy)
            self.broken_modules.setdefault(path, self.in_project(error["message"]))

    def in_project(self, message: str) -> str:
        """A message with the scratch copy's paths turned into the project's."""
        return message.replace(str(self.copy), str(self.base))

    def unclean(self) -> set[TestKey]:
        return {k for k, seen in self.outcomes.items() if not all(s.clean for s in seen)}


BACKEND_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite", "mysql": "MySQL"}
_DATABASE_ERROR = "sqlalchemy.exc.DBAPIError"


def backend_failure(seen: list[Seen], app_refusals: dict[str, str]) -> tuple[str, str, str] | None:
    """(backend, exception, why) when a test fails every time on one database only.

    That is the app's failure, not the test's, only when the database refused what the app's
    own code did: the same test is clean on every other database, and each failure is a
    SQLAlchemy database error raised while the app handled a request, or one that stored a row
    of a table in app_refusals (a value the app makes, such as its password hash, that is too
    long for its column).
    """
    backends: dict[str, list[Seen]] = {}
    for one in seen:
        backends.setdefault(one.backend, []).append(one)
    failing = [b for b, runs in backends.items() if not any(r.clean for r in runs)]
    clean = [b for b, runs in backends.items() if all(r.clean for r in runs)]
    if len(failing) != 1 or len(clean) != len(backends) - 1 or not clean:
        return None
    runs = backends[failing[0]]
    raised = [r.raised for r in runs]
    if not all(r and _DATABASE_ERROR in r["classes"] for r in raised):
        return None
    tables = {_inserted_table(r["statement"]) for r in raised if r and not r["in_request"]}
    if not tables <= set(app_refusals):
        return None
    common = [c for c in raised[0]["classes"] if all(c in r["classes"] for r in raised)]  # type: ignore[index]
    exception = next(c for c in common if c.startswith("sqlalchemy.exc."))
    named = sorted(table for table in tables if table)
    # The marker names the class, so the reason starts at the database's own words.
    message = runs[0].message.removeprefix(exception + ": ")
    message = message.removeprefix(exception.rpartition(".")[2] + ": ")
    why = app_refusals[named[0]] if named else message
    return failing[0], exception, why


def _inserted_table(statement: str | None) -> str | None:
    """The table an INSERT statement writes to, unquoted; None for any other statement."""
    found = re.match(r"\s*INSERT\s+INTO\s+([\w\".]+)", statement or "", re.IGNORECASE)
    return found.group(1).split(".")[-1].strip('"') if found else None
