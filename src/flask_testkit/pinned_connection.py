"""The one DBAPI connection a test's engine lends out, wrapped so that it cannot escape the test.

The wrapper routes every statement through the test's savepoints (under one lock, so threads take
turns), refuses `commit()` and `rollback()` called on the driver's connection itself, and keeps
the connection open when the app invalidates it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.pool import StaticPool

from flask_testkit import guards
from flask_testkit.savepoints import NO_OP

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy.engine import Engine

    from flask_testkit.savepoints import SavepointStack


class GuardedCursor:
    """A DBAPI cursor whose statements run inside the savepoint of the connection they belong to."""

    __slots__ = ("_cursor", "_stack", "owner")

    def __init__(self, cursor: Any, stack: SavepointStack) -> None:
        self._cursor = cursor
        self._stack = stack
        # Set by the engine event that sees the statement coming: the pool checkout it runs on.
        self.owner: object | None = None

    def execute(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        owner, self.owner = self.owner, None
        result = self._stack.run(
            owner, statement, lambda: self._cursor.execute(statement, *args, **kwargs)
        )
        return self if result is self._cursor or result is NO_OP else result

    def executemany(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        owner, self.owner = self.owner, None
        result = self._stack.run(
            owner, statement, lambda: self._cursor.executemany(statement, *args, **kwargs)
        )
        return self if result is self._cursor or result is NO_OP else result

    def fetchone(self) -> Any:
        with self._stack.lock:
            return self._cursor.fetchone()

    def fetchmany(self, *args: Any, **kwargs: Any) -> Any:
        with self._stack.lock:
            return self._cursor.fetchmany(*args, **kwargs)

    def fetchall(self) -> Any:
        with self._stack.lock:
            return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        with self._stack.lock:
            row = self._cursor.fetchone()
        if row is None:
            raise StopIteration
        return row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class GuardedConnection:
    """The driver's connection as the app sees it while a test holds it."""

    def __init__(self, dbapi_connection: Any, stack: SavepointStack, report: Callable[[str], None]):
        object.__setattr__(self, "_real", dbapi_connection)
        object.__setattr__(self, "_stack", stack)
        object.__setattr__(self, "_report", report)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        # isinstance(connection, sqlite3.Connection) in app code keeps answering as it would.
        return type(self._real)

    def cursor(self, *args: Any, **kwargs: Any) -> GuardedCursor:
        return GuardedCursor(self._real.cursor(*args, **kwargs), self._stack)

    def commit(self) -> None:
        self._refuse(guards.dbapi_call("commit"))

    def rollback(self) -> None:
        self._refuse(guards.dbapi_call("rollback"))

    def close(self) -> None:
        # The test's transaction lives on this connection; it is closed when the test ends.
        pass

    def _refuse(self, message: str) -> None:
        self._report(message)
        raise guards.IsolationRefused(message)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # psycopg's autocommit, and sqlite3's isolation_level = None (which also COMMITs).
        if (name == "autocommit" and value) or (name == "isolation_level" and value is None):
            self._refuse(guards.autocommit("the driver's connection"))
        setattr(self._real, name, value)


def real_connection(dbapi_connection: Any) -> Any:
    """The driver's own connection behind a GuardedConnection (or the argument itself)."""
    if isinstance(dbapi_connection, GuardedConnection):
        return object.__getattribute__(dbapi_connection, "_real")
    return dbapi_connection


class PinnedPool(StaticPool):
    """A pool that always lends the one connection holding the test's outer transaction."""

    _connect_pinned: Callable[[], Any] | None = None
    _report: Callable[[str], None] | None = None

    def __init__(self, engine: Engine) -> None:
        super().__init__(
            self.connect_pinned,
            dialect=engine.dialect,
            reset_on_return="rollback",
            echo=engine.pool.echo,
        )

    def pin_to(self, connect: Callable[[], Any], report: Callable[[str], None]) -> None:
        """Lend, from now on, the connection `connect` returns (taken on first use)."""
        self._connect_pinned = connect
        self._report = report

    def unpin(self) -> None:
        """Forget the test's connection; the next test pins its own."""
        self._connect_pinned = self._report = None
        # StaticPool keeps its one connection record; the next test's first use makes a new one.
        self.__dict__.pop("connection", None)

    def connect_pinned(self) -> Any:
        """The pool's creator: the test's connection."""
        if self._connect_pinned is None:
            raise RuntimeError("flask-testkit: a pinned pool was used after its test ended")
        return self._connect_pinned()

    def dispose(self) -> None:
        # `engine.dispose()` in app code must not close the connection under the outer transaction.
        pass

    def recreate(self) -> PinnedPool:
        return self

    def _close_connection(self, connection: Any, *, terminate: bool = False) -> None:
        # Only an invalidation closes a record of this pool; the connection stays open, so the
        # rest of the test (and an in-memory database) survives, and the test is failed.
        if self._report is not None:
            self._report(guards.invalidated())


class OuterTransaction:
    """Begins and ends the real transaction on the DBAPI connection, whatever the driver."""

    def __init__(self, dbapi_connection: Any, is_sqlite: bool) -> None:
        self.dbapi_connection = dbapi_connection
        self._is_sqlite = is_sqlite
        self._isolation_level: str | None = None

    def begin(self) -> None:
        if self._is_sqlite:
            # The sqlite3 module's own transaction handling ignores SAVEPOINT and commits behind
            # our back; with it switched off, BEGIN and SAVEPOINT mean what they say.
            self._isolation_level = self.dbapi_connection.isolation_level
            self.dbapi_connection.isolation_level = None
            self.dbapi_connection.execute("BEGIN")

    def rollback(self) -> None:
        if self._is_sqlite:
            if self.dbapi_connection.in_transaction:
                self.dbapi_connection.execute("ROLLBACK")
            self.dbapi_connection.isolation_level = self._isolation_level
        else:
            self.dbapi_connection.rollback()

    def is_healthy(self) -> bool:
        """Whether statements can still run in the transaction (PostgreSQL aborts it on errors)."""
        if self._is_sqlite:
            return bool(self.dbapi_connection.in_transaction)
        info = getattr(self.dbapi_connection, "info", None)
        status = getattr(info, "transaction_status", None)
        # psycopg's TransactionStatus: 0 idle, 2 in a transaction, 3 in a failed one.
        return status is None or int(status) in (0, 2)
