"""What the rolled-back isolation cannot hold: how to recognise it, and the line that says so."""

from __future__ import annotations

import functools
import re

from flask_testkit.errors import ConfigurationError

TRANSACTION_MARK = "@pytest.mark.flask_db(transaction=True)"

_COMMENTS = re.compile(r"(--[^\n]*\n)|(/\*.*?\*/)", re.DOTALL)
_FIRST_WORD = re.compile(r"[\s(]*([A-Za-z]+)")
_READS = {"SELECT", "SHOW", "EXPLAIN", "VALUES", "PRAGMA", "DESCRIBE", "TABLE"}
_DML = {"INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT", "TRUNCATE", "COPY"}
_DML_ANYWHERE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_LOCKING_READ = re.compile(r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY|KEY)\b", re.IGNORECASE)
_ENDS_TRANSACTION = {"COMMIT", "END", "ROLLBACK", "ABORT", "PREPARE"}


class IsolationRefused(ConfigurationError):
    """Something in the test would escape the rolled-back transaction; the message says what."""


def first_word(statement: str) -> str:
    """The statement's leading keyword, upper-cased, past comments and parentheses."""
    match = _FIRST_WORD.match(_COMMENTS.sub(" ", statement[:400]))
    return match.group(1).upper() if match else ""


@functools.lru_cache(maxsize=1024)
def kind(statement: str) -> str:
    """What a statement does to the transaction: read, dml, other, begin, savepoint or end."""
    # "other" is DDL, SET, locking reads...; "end" is COMMIT, ROLLBACK or PREPARE TRANSACTION.
    # Cached: an app sends the same few statements over and over, and this runs for each.
    word = first_word(statement)
    if word == "BEGIN" or (word == "START" and re.search(r"\bTRANSACTION\b", statement, re.I)):
        return "begin"
    if word in ("SAVEPOINT", "RELEASE"):
        return "savepoint"
    if word == "ROLLBACK" and re.search(r"\bTO\b", statement, re.IGNORECASE):
        return "savepoint"
    if word == "PREPARE":
        return "end" if re.search(r"\bTRANSACTION\b", statement, re.IGNORECASE) else "other"
    if word in _ENDS_TRANSACTION:
        return "end"
    if word == "WITH":
        return "dml" if _DML_ANYWHERE.search(statement) else "read"
    if word in _READS:
        return "other" if _LOCKING_READ.search(statement) else "read"
    return "dml" if word in _DML else "other"


def is_dml(statement: str) -> bool:
    """Whether the statement writes rows (INSERT, UPDATE, DELETE, COPY, ...)."""
    return kind(statement) == "dml"


def refused(what: str, why: str = "would commit for real, past the test's rollback") -> str:
    """The one line for a pattern the default mode cannot isolate."""
    return f"{what} {why}: mark the test {TRANSACTION_MARK}, which commits and then empties tables."


def sql_transaction_end(statement: str) -> str:
    """The refusal for COMMIT or ROLLBACK sent as SQL."""
    word = first_word(statement)
    return refused(
        f"{word!r} sent as SQL",
        "would end the test's own transaction"
        if word in ("ROLLBACK", "ABORT")
        else "would commit for real, past the test's rollback",
    )


def autocommit(where: str) -> str:
    """The refusal for AUTOCOMMIT on a connection or an engine."""
    return refused(f'isolation_level="AUTOCOMMIT" on {where}')


def dbapi_call(name: str) -> str:
    """The refusal for commit() or rollback() on the driver's connection itself."""
    return refused(
        f"{name}() on the driver's connection (raw_connection().{name}())",
        "would commit for real, past the test's rollback"
        if name == "commit"
        else "would end the test's own transaction",
    )


def invalidated() -> str:
    """The refusal for a connection invalidated inside the test."""
    return refused(
        "connection.invalidate()",
        "would close the connection that holds the test's transaction "
        "(it was kept open, the test's writes are rolled back)",
    )


def unknown_engine(url: str) -> str:
    """The refusal for a write through an engine the plugin does not isolate."""
    return (
        f"a write through an engine flask-testkit does not isolate ({url}) would commit for "
        "real (create_engine() in app code?): write through the app's own engine (db.engine), "
        f"or mark the test {TRANSACTION_MARK}, which commits and then empties tables."
    )


def overlap(detail: str) -> str:
    """The failure for two connections whose transactions truly overlap."""
    return (
        f"two connections of the test overlap: {detail}. On one test connection their "
        "savepoints nest, so one cannot be undone without the other: end the first transaction "
        f"before the second writes, or mark the test {TRANSACTION_MARK}."
    )


def inside_scope(transaction: bool) -> str:
    """The refusal for a test whose marker cannot hold inside rows of a scope."""
    what = "transaction=True" if transaction else "reset_sequences=True"
    why = (
        "would commit the rows of the scope's fixture (scoped_data) for real"
        if transaction
        else "would restart the sequences that the rows of the scope's fixture (scoped_data) "
        "took their keys from"
    )
    return (
        f"@pytest.mark.flask_db({what}) {why}: move the test out of that fixture's scope "
        "(another module or class), or make the rows it needs in the test itself."
    )


def scope_inside_test() -> str:
    """The refusal for scoped_data() first reached while a test runs."""
    return (
        "a fixture's scoped_data() was set up while a test was running (getfixturevalue?): its "
        "rows would be undone with the test's. Request the fixture as an argument of the test "
        "or of a fixture, so that it is set up before the test begins."
    )
