"""Per-test isolation: each transaction the app opens is a savepoint in one that is rolled back.

While a test runs, each engine hands out a single connection that sits in an outer transaction.
The engine's dialect turns BEGIN / COMMIT / ROLLBACK into SAVEPOINT / RELEASE / ROLLBACK TO,
so commits in views, rollbacks after errors, raw `engine.connect()` blocks, fresh sessions and
factories all keep working, and all of it disappears when the outer transaction is rolled back.
The engine, its dialect and `db.session` stay the same objects, so the app's event listeners fire.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool, PoolProxiedConnection

_DIALECT_HOOKS = ("do_begin", "do_commit", "do_rollback")


@dataclass
class _Savepoint:
    owner: object
    name: str
    committed: bool = False


class SavepointStack:
    """Savepoints standing in for the transactions of every connection on one DBAPI link."""

    def __init__(self, dbapi_connection: Any) -> None:
        self._dbapi_connection = dbapi_connection
        self._open: list[_Savepoint] = []
        self._names = itertools.count(1)

    def begin(self, owner: object) -> None:
        """Open a savepoint for a transaction that `owner` begins."""
        savepoint = _Savepoint(owner, f"flask_testkit_{next(self._names)}")
        self._execute(f"SAVEPOINT {savepoint.name}")
        self._open.append(savepoint)

    def commit(self, owner: object) -> None:
        """Keep the work of `owner`'s transaction inside the outer one."""
        savepoint = self._innermost_of(owner)
        if savepoint is None:
            return
        savepoint.committed = True
        # Two connections can commit out of order; releasing a savepoint releases every later one,
        # so a commit below the top waits until the savepoints above it are gone.
        while self._open and self._open[-1].committed:
            self._execute(f"RELEASE SAVEPOINT {self._open.pop().name}")

    def rollback(self, owner: object) -> None:
        """Undo `owner`'s transaction; with none open (a pool reset), do nothing."""
        savepoint = self._innermost_of(owner)
        if savepoint is None:
            return
        self._execute(f"ROLLBACK TO SAVEPOINT {savepoint.name}")
        self._execute(f"RELEASE SAVEPOINT {savepoint.name}")
        # The database drops every savepoint opened after this one, whoever opened it.
        del self._open[self._open.index(savepoint) :]

    def _innermost_of(self, owner: object) -> _Savepoint | None:
        for savepoint in reversed(self._open):
            if savepoint.owner is owner:
                return savepoint
        return None

    def _execute(self, statement: str) -> None:
        # Straight on the DBAPI cursor: these statements are the isolation's, not the app's, so
        # engine events (and query counting) never see them.
        cursor = self._dbapi_connection.cursor()
        try:
            cursor.execute(statement)
        finally:
            cursor.close()


class _PinnedPool(StaticPool):
    """A pool that always lends the one connection holding the test's outer transaction."""

    def dispose(self) -> None:
        # `engine.dispose()` in app code must not close the connection under the outer transaction.
        pass

    def recreate(self) -> _PinnedPool:
        return self


class _OuterTransaction:
    """Begins and ends the real transaction on the DBAPI connection, whatever the driver."""

    def __init__(self, dbapi_connection: Any, is_sqlite: bool) -> None:
        self._dbapi_connection = dbapi_connection
        self._is_sqlite = is_sqlite
        self._isolation_level: str | None = None

    def begin(self) -> None:
        if self._is_sqlite:
            # The sqlite3 module's own transaction handling ignores SAVEPOINT and commits behind
            # our back; with it switched off, BEGIN and SAVEPOINT mean what they say.
            self._isolation_level = self._dbapi_connection.isolation_level
            self._dbapi_connection.isolation_level = None
            self._dbapi_connection.execute("BEGIN")

    def rollback(self) -> None:
        if self._is_sqlite:
            if self._dbapi_connection.in_transaction:
                self._dbapi_connection.execute("ROLLBACK")
            self._dbapi_connection.isolation_level = self._isolation_level
        else:
            self._dbapi_connection.rollback()


class PinnedEngine:
    """One engine, redirected to a single connection whose outer transaction is rolled back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._original_pool: Pool = engine.pool
        self._checkout: PoolProxiedConnection = engine.pool.connect()
        dbapi_connection: Any = self._checkout.dbapi_connection
        self._outer = _OuterTransaction(dbapi_connection, engine.dialect.name == "sqlite")
        self._outer.begin()
        self.savepoints = SavepointStack(dbapi_connection)
        dialect: Any = engine.dialect
        dialect.do_begin = self.savepoints.begin
        dialect.do_commit = self.savepoints.commit
        dialect.do_rollback = self.savepoints.rollback
        engine.pool = _PinnedPool(
            creator=lambda: dbapi_connection,
            dialect=engine.dialect,
            reset_on_return="rollback",
            echo=self._original_pool.echo,
        )

    def release(self) -> None:
        """Roll back everything and give the engine back its own pool and dialect behaviour."""
        try:
            self._outer.rollback()
        finally:
            dialect = self.engine.dialect
            for hook in _DIALECT_HOOKS:
                dialect.__dict__.pop(hook, None)
            self.engine.pool = self._original_pool
            self._checkout.close()


_pinned: dict[int, PinnedEngine] = {}


@contextmanager
def isolated_engines(engines: Iterable[Engine]) -> Iterator[list[PinnedEngine]]:
    """Roll back everything written through these engines inside the block."""
    pins: list[PinnedEngine] = []
    try:
        for engine in dict.fromkeys(engines):
            if id(engine) not in _pinned:
                pin = PinnedEngine(engine)
                _pinned[id(engine)] = pin
                pins.append(pin)
        yield pins
    finally:
        errors: list[BaseException] = []
        for pin in reversed(pins):
            _pinned.pop(id(pin.engine), None)
            try:
                pin.release()
            except Exception as exc:  # keep releasing the other engines
                errors.append(exc)
        if errors:
            raise errors[0]
