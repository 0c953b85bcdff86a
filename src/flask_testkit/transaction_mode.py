"""`flask_db(transaction=True)`: the test commits for real, then the tables it filled are emptied.

Which tables to empty is read from the database itself, not guessed from the SQL: every table that
holds rows at the end and held none at the start, whoever wrote them (the app's engines, an engine
it made itself, a raw DBAPI connection, a trigger). Tables that held rows before the test (seed
data, `alembic_version`) are left as they are.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from flask_testkit.constraints import reset_sequences as reset_all_sequences
from flask_testkit.errors import ConfigurationError, one_line

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sqlalchemy.engine import Connection, Engine

# How long emptying waits for a lock a connection the test left open still holds.
_LOCK_TIMEOUT = "10s"


def filled_tables(connection: Connection) -> set[str]:
    """The tables of the connection's default schema that hold at least one row."""
    names = sa.inspect(connection).get_table_names()
    if not names:
        return set()
    quote = connection.dialect.identifier_preparer.quote
    probes = " UNION ALL ".join(
        f"SELECT {i} FROM (SELECT 1 FROM {quote(name)} LIMIT 1) AS probe_{i}"
        for i, name in enumerate(names)
    )
    return {names[i] for i in connection.exec_driver_sql(probes).scalars()}


def empty_tables(connection: Connection, names: set[str]) -> None:
    """Delete every row of these tables and restart their identities."""
    if not names:
        return
    quote = connection.dialect.identifier_preparer.quote
    ordered = sorted(names)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT}'")
        listed = ", ".join(quote(name) for name in ordered)
        connection.exec_driver_sql(f"TRUNCATE {listed} RESTART IDENTITY CASCADE")
        return
    if connection.dialect.name == "sqlite":
        # Checked at COMMIT, once every table is empty, whatever the order of the DELETEs.
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    for name in ordered:
        connection.exec_driver_sql(f"DELETE FROM {quote(name)}")
    if connection.dialect.name == "sqlite" and sa.inspect(connection).has_table("sqlite_sequence"):
        connection.execute(
            sa.text("DELETE FROM sqlite_sequence WHERE name IN :names").bindparams(
                sa.bindparam("names", expanding=True)
            ),
            {"names": ordered},
        )


@contextmanager
def committed_engines(engines: Iterable[Engine], *, reset_sequences: bool) -> Iterator[None]:
    """Let the block commit for real; afterwards, empty the tables it filled."""
    engines = list(engines)
    before: dict[int, set[str]] = {}
    for engine in engines:
        with engine.begin() as connection:
            before[id(engine)] = filled_tables(connection)
            if reset_sequences:
                reset_all_sequences(connection.connection.dbapi_connection, engine.dialect.name)
    try:
        yield
    finally:
        for engine in engines:
            _empty_what_the_test_filled(engine, before[id(engine)])


def _empty_what_the_test_filled(engine: Engine, before: set[str]) -> None:
    try:
        with engine.begin() as connection:
            empty_tables(connection, filled_tables(connection) - before)
    except OperationalError as exc:
        raise ConfigurationError(
            f"could not empty the tables a transaction=True test filled in "
            f"{engine.url.render_as_string(hide_password=True)}: {one_line(exc.orig or exc)}. "
            "A connection or session the test opened still holds them: close it before the "
            "test ends."
        ) from exc
