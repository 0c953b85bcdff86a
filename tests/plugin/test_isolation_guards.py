"""What the rolled-back isolation cannot hold is refused with one line, and nothing leaks."""

from __future__ import annotations

import pytest

HEADER = """
import pytest
import sqlalchemy as sa
from inner_app import User, count_users, db

from flask_testkit.guards import IsolationRefused

"""

# Each writes a row, then tries to make it outlive the test; the trailer checks nothing did.
REFUSED = {
    "an AUTOCOMMIT connection": (
        """
def test_scenario(app):
    with app.app_context(), pytest.raises(IsolationRefused, match="transaction=True"):
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.insert(User).values(email="a@example.com"))
""",
        'isolation_level="AUTOCOMMIT" on a connection',
    ),
    "COMMIT as text()": (
        """
def test_scenario(app):
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(sa.insert(User).values(email="a@example.com"))
        with pytest.raises(IsolationRefused, match="transaction=True"):
            connection.execute(sa.text("COMMIT"))
""",
        "'COMMIT' sent as SQL would commit for real",
    ),
    "COMMIT through exec_driver_sql": (
        """
def test_scenario(app):
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(sa.insert(User).values(email="a@example.com"))
        with pytest.raises(IsolationRefused, match="transaction=True"):
            connection.exec_driver_sql("COMMIT")
""",
        "'COMMIT' sent as SQL would commit for real",
    ),
    "raw_connection().commit()": (
        """
def test_scenario(app):
    with app.app_context():
        raw = db.engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute("INSERT INTO \\"user\\" (email) VALUES ('a@example.com')")
    with pytest.raises(IsolationRefused, match="transaction=True"):
        raw.commit()
    raw.close()
""",
        "commit() on the driver's connection (raw_connection().commit())",
    ),
    "an engine the app makes itself": (
        """
def test_scenario(app):
    with app.app_context():
        url = db.engine.url
    own = sa.create_engine(url)
    with pytest.raises(IsolationRefused, match="transaction=True"), own.begin() as connection:
        connection.execute(sa.insert(User).values(email="a@example.com"))
    own.dispose()
""",
        "a write through an engine flask-testkit does not isolate",
    ),
}


@pytest.mark.parametrize(("source", "line"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_with_one_line_and_nothing_leaks(inner, source: str, line: str) -> None:
    result = inner.run(HEADER + source)
    # The test that caught the refusal still fails, at teardown: the app could have swallowed it.
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines([f"flask-testkit: {line}*transaction=True*"])


def test_invalidate_keeps_the_connection_and_the_rest_of_the_run(inner) -> None:
    source = """
def test_scenario(app):
    with app.app_context():
        connection = db.engine.connect()
        connection.execute(sa.insert(User).values(email="a@example.com"))
        connection.invalidate()
        connection.close()
        assert count_users() == 1


def test_the_next_test_still_has_the_schema(client):
    assert client.post("/users", json={"email": "b@example.com"}).json == {"count": 1}
"""
    result = inner.run(HEADER + source)
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["flask-testkit: connection.invalidate()*"])


def test_reads_through_an_engine_the_app_makes_itself_are_allowed(inner) -> None:
    source = """
def test_scenario(client):
    client.post("/users", json={"email": "a@example.com"})
    with client.application.app_context():
        url = db.engine.url
    own = sa.create_engine(url)
    with own.connect() as connection:
        assert connection.scalar(sa.text("SELECT 1")) == 1
    own.dispose()
"""
    inner.run(HEADER + source).assert_outcomes(passed=2)


ENGINE_LEVELS = ["SERIALIZABLE", "READ UNCOMMITTED"]


@pytest.mark.parametrize("level", ENGINE_LEVELS)
def test_an_engine_level_isolation_level_works(inner, level: str) -> None:
    if level == "READ UNCOMMITTED" and inner.backend == "postgresql":
        level = "REPEATABLE READ"
    options = {"SQLALCHEMY_ENGINE_OPTIONS": {"isolation_level": level}}
    inner.pytester.makeini(f"[pytest]\nflask_app = inner_app:create_app({options!r})\n")
    source = """
def test_scenario(client):
    assert client.post("/users", json={"email": "a@example.com"}).json == {"count": 1}
    assert client.post("/users/raw-begin", json={"email": "b@example.com"}).json == {"count": 2}
"""
    inner.run(HEADER + source).assert_outcomes(passed=2)


def test_a_per_connection_isolation_level_works_before_and_after_other_work(inner) -> None:
    source = """
def insert_serializable(email):
    with db.engine.connect().execution_options(isolation_level="SERIALIZABLE") as connection:
        connection.execute(sa.insert(User).values(email=email))
        connection.commit()


def test_first_thing_in_the_test(app):
    with app.app_context():
        insert_serializable("a@example.com")
        assert count_users() == 1


def test_the_next_test_has_the_engines_level(app):
    with app.app_context(), db.engine.connect() as connection:
        assert connection.get_isolation_level() == connection.default_isolation_level


def test_after_the_test_wrote(db_session):
    db_session.add(User(email="a@example.com"))
    db_session.commit()
    insert_serializable("b@example.com")
    assert count_users() == 2
"""
    inner.run(HEADER + source).assert_outcomes(passed=4)


def test_engine_level_autocommit_says_what_to_do(inner) -> None:
    options = {"SQLALCHEMY_ENGINE_OPTIONS": {"isolation_level": "AUTOCOMMIT"}}
    inner.pytester.makeini(f"[pytest]\nflask_app = inner_app:create_app({options!r})\n")
    source = """
def test_default_mode(client):
    client.post("/users", json={"email": "a@example.com"})


@pytest.mark.flask_db(transaction=True)
def test_transaction_mode(client):
    assert client.post("/users", json={"email": "a@example.com"}).json == {"count": 1}
"""
    result = inner.run(HEADER + source, "-v")
    result.stdout.fnmatch_lines(
        [
            "*test_default_mode ERROR*",
            "*test_transaction_mode PASSED*",
            '*flask-testkit: isolation_level="AUTOCOMMIT" on the engine*transaction=True*',
        ],
        consecutive=False,
    )
