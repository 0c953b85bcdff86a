"""What a real COMMIT checks, and the sequences it leaves behind, on the test's own connection."""

from __future__ import annotations

import sqlite3
from typing import Any

_HAS_DEFERRABLE = "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE condeferrable)"
_RESET_SEQUENCES = (
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
    "FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
)


def _scalar(dbapi_connection: Any, statement: str) -> Any:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(statement)
        row = cursor.fetchone()
        return row[0] if row else None
    finally:
        cursor.close()


def _execute(dbapi_connection: Any, statement: str) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


class DeferredCheck:
    """Raises the driver's IntegrityError when a COMMIT now would fail on a deferred constraint."""

    def __init__(self, dbapi_connection: Any, dialect_name: str) -> None:
        self._dbapi_connection = dbapi_connection
        self._dialect_name = dialect_name
        # Asked once per test, at the first check: a schema made in the test is seen.
        self._deferrable: bool | None = None
        self._foreign_keys: bool | None = None

    def __call__(self) -> None:
        if self._dialect_name == "postgresql":
            self._check_postgresql()
        elif self._dialect_name == "sqlite":
            self._check_sqlite()

    def _check_postgresql(self) -> None:
        if self._deferrable is None:
            self._deferrable = bool(_scalar(self._dbapi_connection, _HAS_DEFERRABLE))
        if not self._deferrable:
            return
        # Inside a savepoint that is rolled back: the constraints stay deferred afterwards, and a
        # violation stays pending, as it would in the app's still-open transaction.
        _execute(self._dbapi_connection, "SAVEPOINT flask_testkit_check")
        try:
            _execute(self._dbapi_connection, "SET CONSTRAINTS ALL IMMEDIATE")
        finally:
            _execute(self._dbapi_connection, "ROLLBACK TO SAVEPOINT flask_testkit_check")
            _execute(self._dbapi_connection, "RELEASE SAVEPOINT flask_testkit_check")

    def _check_sqlite(self) -> None:
        if self._foreign_keys is None:
            # PRAGMA foreign_keys cannot change inside a transaction: one look per test will do.
            self._foreign_keys = bool(_scalar(self._dbapi_connection, "PRAGMA foreign_keys"))
        if not self._foreign_keys:
            return
        violation = _scalar(self._dbapi_connection, "PRAGMA foreign_key_check")
        if violation is not None:
            raise sqlite3.IntegrityError(f"FOREIGN KEY constraint failed (table {violation})")


def reset_sequences(dbapi_connection: Any, dialect_name: str) -> None:
    """Restart every sequence at its start value (SQLite's roll back with the transaction)."""
    if dialect_name == "postgresql":
        _execute(dbapi_connection, _RESET_SEQUENCES)
