"""One engine redirected to a single connection, whose outer transaction is rolled back.

The connection is taken on the engine's first use (`PinnedPool` lends it), BEGIN / COMMIT /
ROLLBACK become savepoints through the engine's dialect, and `release` undoes it all. A scope's
rows (data_scopes.py) sit in a level: a savepoint that every test inside it rolls back to.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any

from sqlalchemy.dialects.sqlite.base import SQLiteDialect

from flask_testkit import guards
from flask_testkit.constraints import DeferredCheck, reset_sequences
from flask_testkit.errors import one_line
from flask_testkit.pinned_connection import (
    GuardedConnection,
    OuterTransaction,
    PinnedPool,
    real_connection,
)
from flask_testkit.savepoints import Level, SavepointStack

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool, PoolProxiedConnection

_DIALECT_HOOKS = (
    "do_begin",
    "do_commit",
    "do_rollback",
    "set_isolation_level",
    "get_isolation_level",
)


class PinnedEngine:
    """One engine, redirected to a single connection whose outer transaction is rolled back."""

    def __init__(self, engine: Engine, *, reset_sequences: bool = False) -> None:
        self.engine = engine
        self.problems: list[str] = []
        # Pinned by a class-, module- or session-scoped fixture's rows (scoped_data).
        self.scoped = False
        self.savepoints: SavepointStack | None = None
        self._reset_sequences = reset_sequences
        self._original_pool: Pool = engine.pool
        self._checkout: PoolProxiedConnection | None = None
        self._connection: GuardedConnection | None = None
        self._outer: OuterTransaction | None = None
        self._check: DeferredCheck | None = None
        self._connect_lock = threading.Lock()
        self._level_changed = False
        dialect: Any = engine.dialect
        self._is_sqlite = dialect.name == "sqlite"
        dialect.do_begin = self._through_stack("begin", dialect)
        dialect.do_commit = self._through_stack("commit", dialect)
        dialect.do_rollback = self._through_stack("rollback", dialect)
        dialect.set_isolation_level = self._set_isolation_level
        # psycopg's own reading rolls back the transaction it starts on an idle connection: on
        # the driver's connection that is harmless, on the guarded one it would be refused.
        dialect.get_isolation_level = lambda connection: type(dialect).get_isolation_level(
            dialect, real_connection(connection)
        )
        engine.pool = _pinned_pool(engine, self)

    def report(self, message: str) -> None:
        """Remember a problem; the test fails with it when it ends."""
        if message not in self.problems:
            self.problems.append(message)

    def _through_stack(self, name: str, dialect: Any) -> Any:
        original = getattr(type(dialect), f"do_{name}")

        def call(connection: Any) -> None:
            if self.savepoints is None:
                # An engine's first connect (its dialect's own set-up) runs while the pin is
                # being taken, on the driver's connection: it is no transaction of the test's.
                original(dialect, real_connection(connection))
                return
            getattr(self.savepoints, name)(connection)

        return call

    def _connect(self) -> Any:
        # The pool calls this on the engine's first use in the test (from several threads at
        # once, in a test that starts with them), and again after an invalidation.
        with self._connect_lock:
            if self._connection is None:
                self._connection = self._pin()
            return self._connection

    def _pin(self) -> GuardedConnection:
        if getattr(self.engine.dialect, "_on_connect_isolation_level", None) == "AUTOCOMMIT":
            message = guards.autocommit(f"the engine {self.engine.url!r}")
            self.report(message)
            raise guards.IsolationRefused(message)
        self._checkout = self._original_pool.connect()
        dbapi_connection: Any = self._checkout.dbapi_connection
        self._outer = OuterTransaction(dbapi_connection, self._is_sqlite)
        self._outer.begin()
        self._check = DeferredCheck(dbapi_connection, self.engine.dialect.name)
        self.savepoints = SavepointStack(
            dbapi_connection,
            aborts_on_error=not self._is_sqlite,
            check_deferred=self._check,
            report=self.report,
        )
        if self._reset_sequences:
            reset_sequences(dbapi_connection, self.engine.dialect.name)
        return GuardedConnection(dbapi_connection, self.savepoints, self.report)

    def _set_isolation_level(self, dbapi_connection: Any, level: str) -> None:
        if level == "AUTOCOMMIT":
            message = guards.autocommit("a connection (execution_options)")
            self.report(message)
            raise guards.IsolationRefused(message)
        real = real_connection(dbapi_connection)
        dialect = self.engine.dialect
        if self._is_sqlite:
            # Only the PRAGMA: pysqlite would also hand transactions back to the sqlite3 module,
            # and setting its isolation_level back to None would COMMIT the test's transaction.
            SQLiteDialect.set_isolation_level(dialect, real, level)  # type: ignore[arg-type]
            return
        if self._outer is not None and self._outer_started(real):
            # PostgreSQL fixes the level when the transaction starts. The test's transaction has
            # started; with one connection in it, no other transaction can interleave, so a
            # stricter level would not change what the test sees.
            return
        type(dialect).set_isolation_level(dialect, real, level)  # type: ignore[arg-type]
        self._level_changed = True

    @staticmethod
    def _outer_started(real: Any) -> bool:
        status = getattr(getattr(real, "info", None), "transaction_status", None)
        return status is not None and int(status) != 0

    def release(self) -> None:
        """Roll back everything and give the engine back its own pool and dialect behaviour."""
        try:
            if self._outer is not None and self.savepoints is not None and self._check:
                self._check_deferred_at_end()
                self._outer.rollback()
                if self._level_changed:
                    # Back to the engine's level before the connection returns to its pool.
                    dialect: Any = self.engine.dialect
                    type(dialect).reset_isolation_level(dialect, self._outer.dbapi_connection)
        finally:
            for hook in _DIALECT_HOOKS:
                self.engine.dialect.__dict__.pop(hook, None)
            self.engine.pool = self._original_pool
            pool = _pools.get(self.engine)
            if pool is not None:
                pool[1].unpin()
            if self._checkout is not None:
                self._checkout.close()

    def open_level(self, kind: str) -> tuple[Level, int]:
        """Begin a level on the engine's connection (taken now if it was not yet)."""
        self._connect()
        assert self.savepoints is not None
        if kind == "scope" and self.savepoints.innermost_level() == "test":
            raise guards.IsolationRefused(guards.scope_inside_test())
        return self.savepoints.push_level(kind), len(self.problems)

    def close_level(self, level: Level, problems_before: int) -> list[str]:
        """Undo the level; give back the problems reported while it was open."""
        try:
            if level.kind == "test":
                self._check_deferred_at_end()
        finally:
            assert self.savepoints is not None
            self.savepoints.pop_level(level)
        found = self.problems[problems_before:]
        del self.problems[problems_before:]
        return found

    def _check_deferred_at_end(self) -> None:
        # As Django's TestCase does: data the test leaves must pass the checks a COMMIT runs.
        assert self._outer is not None and self.savepoints is not None and self._check
        if not self.savepoints.wrote or not self._outer.is_healthy():
            return
        try:
            with self.savepoints.lock:
                self._check()
        except Exception as exc:
            self.report(
                f"the test leaves data that a COMMIT would refuse: {one_line(exc)}. Fix the data, "
                "or commit it in the test to see the error where it happens."
            )


# One pinned pool per engine, made once and reused by every test: building a pool is most of what
# isolation would cost a test that never queries.
_pools: weakref.WeakKeyDictionary[Engine, tuple[Pool, PinnedPool]] = weakref.WeakKeyDictionary()


def _pinned_pool(engine: Engine, pin: PinnedEngine) -> PinnedPool:
    cached = _pools.get(engine)
    if cached is None or cached[0] is not engine.pool:
        cached = (engine.pool, PinnedPool(engine))
        _pools[engine] = cached
    cached[1].pin_to(pin._connect, pin.report)
    return cached[1]
