"""Per-test isolation: each transaction the app opens is a savepoint in one that is rolled back.

While a test runs, each engine lends a single connection that sits in an outer transaction,
taken on the engine's first use in the test (a test that never touches the database pays for
nothing). The engine's dialect turns BEGIN / COMMIT / ROLLBACK into savepoints (savepoints.py),
so commits in views, rollbacks after errors, raw `engine.connect()` blocks, fresh sessions and
factories all keep working, and all of it disappears when the outer transaction is rolled back.
The engine, its dialect and `db.session` stay the same objects, so the app's event listeners fire.
What cannot be isolated this way is refused with one line (guards.py); a test marked
`flask_db(transaction=True)` commits for real instead (transaction_mode.py).
"""

from __future__ import annotations

import threading
import weakref
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.engine import Engine

from flask_testkit import guards
from flask_testkit.constraints import DeferredCheck, reset_sequences
from flask_testkit.errors import one_line, one_line_failure
from flask_testkit.marker import current_options
from flask_testkit.pinned_connection import (
    GuardedConnection,
    GuardedCursor,
    OuterTransaction,
    PinnedPool,
    real_connection,
)
from flask_testkit.savepoints import SavepointStack
from flask_testkit.transaction_mode import committed_engines

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

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


_pinned: dict[int, object] = {}
_unknown_engine_problems: list[str] = []
_guarding = 0
_listening = False


def _before_cursor_execute(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    if type(cursor) is GuardedCursor:
        cursor.owner = conn.connection
        return
    if _guarding and guards.is_dml(statement):
        # Not a pinned engine: an engine the app made itself writes for real (and on PostgreSQL
        # waits forever on the rows the test's transaction holds).
        message = guards.unknown_engine(conn.engine.url.render_as_string(hide_password=True))
        if message not in _unknown_engine_problems:
            _unknown_engine_problems.append(message)
        raise guards.IsolationRefused(message)


def _listen_once() -> None:
    global _listening
    if not _listening:
        event.listen(Engine, "before_cursor_execute", _before_cursor_execute)
        _listening = True


@contextmanager
def _rolled_back(engines: list[Engine], reset: bool) -> Iterator[list[PinnedEngine]]:
    global _guarding
    _listen_once()
    pins: list[PinnedEngine] = []
    _guarding += 1
    try:
        for engine in engines:
            pin = PinnedEngine(engine, reset_sequences=reset)
            _pinned[id(engine)] = pin
            pins.append(pin)
        yield pins
    finally:
        _guarding -= 1
        errors: list[BaseException] = []
        for pin in reversed(pins):
            _pinned.pop(id(pin.engine), None)
            try:
                pin.release()
            except Exception as exc:  # keep releasing the other engines
                errors.append(exc)
        if errors:
            raise errors[0]
        problems = [problem for pin in pins for problem in pin.problems]
        if not _guarding:
            problems += _unknown_engine_problems
            _unknown_engine_problems.clear()
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise one_line_failure(f"flask-testkit: {problems[0]}{more}")


@contextmanager
def isolated_engines(
    engines: Iterable[Engine],
    *,
    transaction: bool | None = None,
    reset_sequences: bool | None = None,
) -> Iterator[list[PinnedEngine]]:
    """Roll back everything written through these engines inside the block.

    With `transaction=True` the block commits for real and the tables it filled are emptied at
    the end. Both default to the running test's `flask_db` marker.
    """
    options = current_options()
    committed = options.transaction if transaction is None else transaction
    reset = options.reset_sequences if reset_sequences is None else reset_sequences
    new = [engine for engine in dict.fromkeys(engines) if id(engine) not in _pinned]
    with ExitStack() as stack:
        if committed:
            for engine in new:
                _pinned[id(engine)] = engine
                stack.callback(_pinned.pop, id(engine), None)
            stack.enter_context(committed_engines(new, reset_sequences=reset))
            yield []
        else:
            yield stack.enter_context(_rolled_back(new, reset))
