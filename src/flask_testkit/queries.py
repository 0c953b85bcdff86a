"""Count the SQL statements an app sends, for `assert_num_queries` and `assert_max_queries`."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from sqlalchemy.engine import Engine


class QueryLog:
    """The statements run inside an `assert_*_queries` block, in order."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        """Engine event handler: remember one statement."""
        self.statements.append(" ".join(statement.split()))

    def listing(self) -> str:
        """The statements, numbered, one per line."""
        return "\n".join(f"  {n}. {sql}" for n, sql in enumerate(self.statements, 1))


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
                f"Expected {wanted} queries, {count} were run:\n{log.listing()}", pytrace=False
            )

    return assert_queries
