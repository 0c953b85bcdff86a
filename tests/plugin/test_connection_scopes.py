"""Each connection of a test has its own transaction, and COMMIT checks what a real one checks."""

from __future__ import annotations

import pytest

HEADER = """
import pytest
import sqlalchemy as sa
from inner_app import User, count_users, db

"""

CASES = {
    "a reader opened inside the session's transaction, around its commit": """
def test_scenario(db_session):
    assert count_users() == 0  # the session's transaction begins first
    with db.engine.connect() as reader:
        assert reader.scalar(sa.select(sa.func.count()).select_from(User)) == 0
        db_session.add(User(email="a@example.com"))
        db_session.commit()
    assert count_users() == 1
""",
    "a reader left open around a session commit": """
def test_scenario(db_session):
    reader = db.engine.connect()
    assert reader.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    db_session.add(User(email="a@example.com"))
    db_session.commit()
    reader.close()
    assert count_users() == 1
""",
    "a reader rolled back after the session wrote, before it commits": """
def test_scenario(db_session):
    reader = db.engine.connect()
    reader.scalar(sa.select(sa.func.count()).select_from(User))
    db_session.add(User(email="a@example.com"))
    db_session.flush()
    reader.rollback()
    db_session.commit()
    reader.close()
    assert count_users() == 1
""",
    "an error caught on one connection leaves the others working": """
def test_scenario(db_session):
    db_session.add(User(email="a@example.com"))
    db_session.commit()
    other = db.engine.connect()
    with pytest.raises(sa.exc.DBAPIError):
        other.execute(sa.text("SELECT * FROM no_such_table"))
    db_session.add(User(email="b@example.com"))
    db_session.commit()
    assert count_users() == 2
    other.close()
    assert count_users() == 2
""",
    "two connections that commit out of order": """
def test_scenario(app):
    with app.app_context():
        first, second = db.engine.connect(), db.engine.connect()
        first.execute(sa.insert(User).values(email="a@example.com"))
        second.execute(sa.insert(User).values(email="b@example.com"))
        first.commit()
        second.commit()
        first.close()
        second.close()
        assert count_users() == 2
""",
    "a rollback on one connection keeps another's commit": """
def test_scenario(app):
    with app.app_context():
        writer, undone = db.engine.connect(), db.engine.connect()
        writer.execute(sa.insert(User).values(email="kept@example.com"))
        writer.commit()
        undone.execute(sa.insert(User).values(email="undone@example.com"))
        undone.rollback()
        writer.close()
        undone.close()
        assert count_users() == 1
""",
}


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_each_connection_has_its_own_transaction(inner, source: str) -> None:
    inner.run(HEADER + source).assert_outcomes(passed=2)


# One connection rolls back around the session's commit, on the one connection of the test.
OVERLAP = """
def test_scenario(db_session):
    first = db.engine.connect()
    first.execute(sa.insert(User).values(email="a@example.com"))
    db_session.add(User(email="b@example.com"))
    db_session.commit()
    first.rollback()
    first.close()
"""


def test_connections_that_truly_overlap_are_named_in_the_failure(inner) -> None:
    # A real database still holds b@example.com here; this read would see it gone.
    source = OVERLAP + "    db_session.scalar(sa.select(sa.func.count()).select_from(User))\n"
    result = inner.run(HEADER + source)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["flask-testkit: two connections of the test overlap: *"])


def test_an_overlap_nothing_reads_after_is_no_failure(inner) -> None:
    # The test's own session closed as the test ends, after the app's session committed inside
    # it: no statement can tell this from a real database, so nothing is reported.
    inner.run(HEADER + OVERLAP).assert_outcomes(passed=2)


DEFERRED_SCHEMA = """
from sqlalchemy.exc import IntegrityError


@sa.event.listens_for(sa.Engine, "connect")
def foreign_keys_on(dbapi_connection, record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA foreign_keys = ON")


def make_tables(connection):
    connection.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    connection.exec_driver_sql(
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
        "REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
    )
    connection.commit()

"""


def test_a_deferred_foreign_key_fails_at_commit(inner) -> None:
    source = """
def test_violation_fails_at_commit(app):
    with app.app_context(), db.engine.connect() as connection:
        make_tables(connection)
        connection.exec_driver_sql("INSERT INTO child (id, parent_id) VALUES (1, 99)")
        with pytest.raises(IntegrityError):
            connection.commit()
        connection.rollback()


def test_fixed_before_commit_passes(app):
    with app.app_context(), db.engine.connect() as connection:
        make_tables(connection)
        connection.exec_driver_sql("INSERT INTO child (id, parent_id) VALUES (1, 99)")
        connection.exec_driver_sql("INSERT INTO parent (id) VALUES (99)")
        connection.commit()
        assert connection.exec_driver_sql("SELECT count(*) FROM child").scalar() == 1


def test_left_uncommitted_fails_when_the_test_ends(app):
    with app.app_context():
        with db.engine.connect() as connection:
            make_tables(connection)
        # Straight through the driver, with no transaction of its own to commit: only the
        # check at the end of the test sees this row.
        raw = db.engine.raw_connection()
    raw.cursor().execute("INSERT INTO child (id, parent_id) VALUES (1, 99)")
    raw.close()
"""
    result = inner.run(HEADER + DEFERRED_SCHEMA + source, "-v")
    result.stdout.fnmatch_lines(
        [
            "*test_violation_fails_at_commit PASSED*",
            "*test_fixed_before_commit_passes PASSED*",
            "*test_left_uncommitted_fails_when_the_test_ends ERROR*",
            "flask-testkit: the test leaves data that a COMMIT would refuse: *",
        ],
        consecutive=False,
    )
