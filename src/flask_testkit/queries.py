"""Count the SQL statements an app sends, for `assert_num_queries` and `assert_max_queries`."""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from sqlalchemy.engine import Engine

# Frames of these packages are how a statement travels, not where the app asked for it.
_PLUMBING = frozenset(
    {
        "sqlalchemy",
        "flask",
        "flask_sqlalchemy",
        "flask_sqlalchemy_lite",
        "alchemical",
        "werkzeug",
        "flask_testkit",
        "factory",
        "contextlib",
        "functools",
        "threading",
        "pluggy",
        "_pytest",
        "pytest",
    }
)
# A bound parameter as each driver writes it, with PostgreSQL's cast after it if any.
_PLACEHOLDER = r"(?:\?|%s|%\(\w+\)s|:\w+|\$\d+)(?:::[\w ]+)?"
# `IN (?, ?, ?)` is one shape however many values the list has.
_VALUE_LIST = re.compile(rf"\(\s*{_PLACEHOLDER}(?:\s*,\s*{_PLACEHOLDER})+\s*\)")


@dataclass(frozen=True)
class Query:
    """One statement: its SQL, its parameters, and the app's line that sent it."""

    sql: str
    parameters: str
    origin: str

    @property
    def shape(self) -> str:
        """The SQL with every list of values written as one: statements of one kind share it."""
        return _VALUE_LIST.sub("(...)", self.sql)


class QueryLog:
    """The statements run inside an `assert_*_queries` block, in order."""

    def __init__(self) -> None:
        self.queries: list[Query] = []

    def __len__(self) -> int:
        return len(self.queries)

    @property
    def statements(self) -> list[str]:
        """The SQL of each statement, in order."""
        return [query.sql for query in self.queries]

    def record(self, conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        """Engine event handler: remember one statement and where it came from."""
        sql = " ".join(statement.split())
        self.queries.append(Query(sql, repr(parameters), _origin()))

    def groups(self) -> dict[str, list[Query]]:
        """The statements by shape, most frequent first (ties in the order they first ran)."""
        found: dict[str, list[Query]] = {}
        for query in self.queries:
            found.setdefault(query.shape, []).append(query)
        return dict(sorted(found.items(), key=lambda item: -len(item[1])))

    def repeated(self, more_than: int) -> dict[str, list[Query]]:
        """Shapes run more than `more_than` times with different parameters: N+1 patterns."""
        return {
            shape: queries
            for shape, queries in self.groups().items()
            if len(queries) > more_than and len({q.parameters for q in queries}) > 1
        }

    def report(self) -> str:
        """The statements by kind, with their count, origin and N+1 hint, then in order."""
        lines = []
        for shape, queries in self.groups().items():
            lines.append(f"  {len(queries)} x {shape}")
            origins = list(dict.fromkeys(query.origin for query in queries))
            lines.append(f"      from {', '.join(origins[:3])}")
            distinct = len({query.parameters for query in queries})
            if len(queries) > 1 and distinct > 1:
                lines.append(
                    f"      N+1: the same statement with {distinct} different parameters; "
                    "load them in one query (selectinload, joinedload, IN)"
                )
        lines += ["In order:", self.listing()]
        return "\n".join(lines)

    def listing(self) -> str:
        """The statements, numbered, one per line."""
        return "\n".join(f"  {n}. {sql}" for n, sql in enumerate(self.statements, 1))


def _origin() -> str:
    """`file:line (function)` of the nearest caller outside SQLAlchemy, Flask and this plugin."""
    frame = sys._getframe(2)
    while frame is not None:
        module = str(frame.f_globals.get("__name__", "")).split(".")[0]
        if module not in _PLUMBING and not frame.f_code.co_filename.startswith("<"):
            where = os.path.relpath(frame.f_code.co_filename)
            if where.startswith(".."):
                where = frame.f_code.co_filename
            return f"{where}:{frame.f_lineno} ({frame.f_code.co_name})"
        frame = frame.f_back  # type: ignore[assignment]
    return "an unknown caller"


@contextmanager
def counting_queries(engines: Iterable[Engine]) -> Iterator[QueryLog]:
    """Record every statement the engines execute inside the block."""
    log = QueryLog()
    engines = list(dict.fromkeys(engines))
    for engine in engines:
        event.listen(engine, "before_cursor_execute", log.record)
    try:
        yield log
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", log.record)


def query_assertion(
    engines: Callable[[], Iterable[Engine]], *, exact: bool
) -> Callable[[int], Any]:
    """A context-manager factory that fails the test when the statement count is off."""

    @contextmanager
    def assert_queries(expected: int) -> Iterator[QueryLog]:
        with counting_queries(engines()) as log:
            yield log
        count = len(log)
        if (count != expected) if exact else (count > expected):
            wanted = f"{expected}" if exact else f"at most {expected}"
            pytest.fail(
                f"Expected {wanted} queries, {count} were run:\n{log.report()}", pytrace=False
            )

    return assert_queries


def n_plus_one_assertion(engines: Callable[[], Iterable[Engine]]) -> Callable[..., Any]:
    """A context-manager factory that fails when one statement repeats with other parameters."""

    @contextmanager
    def assert_no_n_plus_one(max_repeats: int = 2) -> Iterator[QueryLog]:
        with counting_queries(engines()) as log:
            yield log
        repeated = log.repeated(max_repeats)
        if repeated:
            worst = max(len(queries) for queries in repeated.values())
            pytest.fail(
                f"N+1: a statement ran {worst} times with different parameters (at most "
                f"{max_repeats} allowed):\n{log.report()}",
                pytrace=False,
            )

    return assert_no_n_plus_one
