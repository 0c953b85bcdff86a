"""The savepoints that stand in for the transactions of every connection on one test connection.

Each connection (pool checkout) of a test gets its own savepoint, opened at its first statement.
A savepoint remembers which connections wrote while it was open, so that a connection that only
read can end without rolling back what another one committed in the meantime. A statement whose
failure would abort someone else's savepoint (PostgreSQL aborts the innermost one) runs inside a
savepoint of its own. What one database connection cannot untangle is reported as an overlap.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask_testkit import guards

if TYPE_CHECKING:
    from collections.abc import Callable

# What `run` gives back for a statement it did not send.
NO_OP = object()


@dataclass(eq=False)
class _Savepoint:
    owner: object
    name: str
    done: bool = False
    writers: set[int] = field(default_factory=set)


@dataclass(eq=False)
class Level:
    """A savepoint of the isolation's own that a test (or an inner scope) rolls back to."""

    kind: str
    savepoint: _Savepoint
    # What the connections outside the level had going when it began, restored when it ends.
    begun: set[int]
    aborted: set[int]
    wrote: bool


class SavepointStack:
    """Savepoints for the transactions of every connection on one DBAPI connection."""

    def __init__(
        self,
        dbapi_connection: Any,
        *,
        aborts_on_error: bool,
        check_deferred: Callable[[], None],
        report: Callable[[str], None],
    ) -> None:
        self._dbapi_connection = dbapi_connection
        # PostgreSQL aborts the innermost transaction on any error; SQLite undoes the statement.
        self._aborts_on_error = aborts_on_error
        self._check_deferred = check_deferred
        self._report = report
        self._open: list[_Savepoint] = []
        self._begun: set[int] = set()
        self._unseen_overlap = ""
        self._aborted: set[int] = set()
        self._levels: list[Level] = []
        self._names = itertools.count(1)
        self.lock = threading.RLock()
        self.wrote = False

    # -- the dialect's do_begin / do_commit / do_rollback -------------------------------------

    def begin(self, owner: object) -> None:
        """Note that `owner` began a transaction; its savepoint waits for its first statement."""
        with self.lock:
            self._begun.add(id(owner))

    def commit(self, owner: object) -> None:
        """Keep the work of `owner`'s transaction, checking deferred constraints as COMMIT does."""
        with self.lock:
            if id(owner) in self._aborted:
                # PostgreSQL turns the COMMIT of an aborted transaction into a ROLLBACK.
                self._rollback(owner)
                return
            self._begun.discard(id(owner))
            savepoint = self._savepoint_of(owner)
            if savepoint is None:
                return
            if id(owner) in savepoint.writers:
                self._check_deferred()
            savepoint.done = True
            self._release_finished()

    def rollback(self, owner: object) -> None:
        """Undo `owner`'s transaction; with none open (a pool reset), do nothing."""
        with self.lock:
            self._rollback(owner)

    # -- around every statement on the connection ---------------------------------------------

    def run(self, owner: object | None, statement: str, execute: Callable[[], Any]) -> Any:
        """Run one statement of `owner` (None: the driver's connection used directly)."""
        with self.lock:
            if self._unseen_overlap:
                self._report(self._unseen_overlap)
                self._unseen_overlap = ""
            key = id(owner) if owner is not None else 0
            statement_kind = guards.kind(statement)
            if statement_kind == "begin":
                # The test's transaction is open already, and the app's own is the savepoint its
                # connection gets: a BEGIN of its own (SQLite's savepoint recipe) changes nothing.
                return NO_OP
            if statement_kind == "end":
                message = guards.sql_transaction_end(statement)
                self._report(message)
                raise guards.IsolationRefused(message)
            if owner is not None and key in self._begun:
                self._begun.discard(key)
                self._push(owner)
            savepoint_statement = statement_kind == "savepoint"
            top = self._open[-1] if self._open else None
            clean_top = top is not None and top.owner is owner and top.writers <= {key}
            if savepoint_statement and not clean_top and owner is not None:
                self._report(
                    guards.overlap(
                        "a connection set or ended a savepoint of its own "
                        "while another connection's transaction was open"
                    )
                )
            guarded = self._aborts_on_error and not clean_top and not savepoint_statement
            name = f"flask_testkit_s{next(self._names)}" if guarded else ""
            if guarded:
                self._execute(f"SAVEPOINT {name}")
            try:
                result = execute()
            except Exception:
                self._after_error(key, name, top if clean_top else None)
                raise
            if guarded:
                self._execute(f"RELEASE SAVEPOINT {name}")
            if statement_kind not in ("savepoint", "read"):
                self.wrote = True
                for open_savepoint in self._open:
                    open_savepoint.writers.add(key)
            return result

    def _after_error(self, key: int, name: str, own: _Savepoint | None) -> None:
        if not self._aborts_on_error:
            return
        if name:
            self._execute(f"ROLLBACK TO SAVEPOINT {name}")
            self._execute(f"RELEASE SAVEPOINT {name}")
        elif own is not None:
            # The error aborted the owner's own savepoint: undo it now, as its rollback would,
            # so that other connections can go on; its COMMIT will be a ROLLBACK, as in PostgreSQL.
            self._execute(f"ROLLBACK TO SAVEPOINT {own.name}")
            own.writers.clear()
        else:
            return
        if key:
            self._aborted.add(key)

    # -- levels: a scope's rows stay, each test inside it rolls back to them ---------------------

    def push_level(self, kind: str) -> Level:
        """Open a level above everything on the connection now; `kind` is "test" or "scope"."""
        with self.lock:
            # Its owner is no connection's: no connection's commit or rollback can end it.
            savepoint = _Savepoint(object(), f"flask_testkit_level_{next(self._names)}")
            self._execute(f"SAVEPOINT {savepoint.name}")
            self._open.append(savepoint)
            level = Level(kind, savepoint, set(self._begun), set(self._aborted), self.wrote)
            self._levels.append(level)
            self.wrote = False
            return level

    def innermost_level(self) -> str | None:
        """The kind of the newest level still open, or None."""
        with self.lock:
            return self._levels[-1].kind if self._levels else None

    def pop_level(self, level: Level) -> None:
        """Undo everything since the level began, and carry on where it began."""
        with self.lock:
            self._levels.remove(level)
            index = self._open.index(level.savepoint)
            self._execute(f"ROLLBACK TO SAVEPOINT {level.savepoint.name}")
            self._execute(f"RELEASE SAVEPOINT {level.savepoint.name}")
            # The database dropped every savepoint opened inside the level with it.
            del self._open[index:]
            self._begun, self._aborted = level.begun, level.aborted
            self.wrote = level.wrote
            self._unseen_overlap = ""
            self._release_finished()

    # -- bookkeeping --------------------------------------------------------------------------

    def _push(self, owner: object) -> None:
        savepoint = _Savepoint(owner, f"flask_testkit_{next(self._names)}")
        self._execute(f"SAVEPOINT {savepoint.name}")
        self._open.append(savepoint)

    def _rollback(self, owner: object) -> None:
        key = id(owner)
        self._begun.discard(key)
        self._aborted.discard(key)
        savepoint = self._savepoint_of(owner)
        if savepoint is None:
            return
        if key not in savepoint.writers:
            # Nothing of the owner's own to undo: what others wrote meanwhile stays theirs.
            savepoint.done = True
            self._release_finished()
            return
        if savepoint.writers - {key}:
            # Only what a later statement could see differs from a real database: a rollback
            # that nothing reads after (a session closed as the test ends) changes nothing.
            self._unseen_overlap = guards.overlap(
                "a connection rolled back its transaction after another connection wrote "
                "inside it, so the other's work was rolled back too"
            )
        index = self._open.index(savepoint)
        survivors = [s for s in self._open[index + 1 :] if s.owner is not owner and not s.done]
        self._execute(f"ROLLBACK TO SAVEPOINT {savepoint.name}")
        self._execute(f"RELEASE SAVEPOINT {savepoint.name}")
        del self._open[index:]
        # The database dropped every savepoint opened after this one; reopen the other
        # connections' ones, whose transactions are still going.
        for other in survivors:
            self._execute(f"SAVEPOINT {other.name}")
            other.writers.clear()
            self._open.append(other)
        self._release_finished()

    def _release_finished(self) -> None:
        # Releasing a savepoint releases every later one, so one that ends below the top waits
        # until the savepoints above it are gone.
        while self._open and self._open[-1].done:
            self._execute(f"RELEASE SAVEPOINT {self._open.pop().name}")

    def _savepoint_of(self, owner: object) -> _Savepoint | None:
        # A committed savepoint waiting for the ones above it is no longer its owner's.
        for savepoint in reversed(self._open):
            if savepoint.owner is owner and not savepoint.done:
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
