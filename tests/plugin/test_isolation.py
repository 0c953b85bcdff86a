"""Whatever the app or the test does to the database, nothing survives the test."""

from __future__ import annotations

import pytest
from plugin_helpers import user_factory_source

CASES = {
    "commit in a view": """
def test_scenario(client):
    assert client.post("/users", json={"email": "a@example.com"}).json == {"count": 1}
    assert client.get("/users/count").json == {"count": 1}
""",
    "commit in the test body": """
from inner_app import User, count_users

def test_scenario(db_session):
    db_session.add(User(email="a@example.com"))
    db_session.commit()
    assert count_users() == 1
""",
    "rollback in a view keeps what the test committed": """
from inner_app import User

def test_scenario(db_session, client):
    db_session.add(User(email="kept@example.com"))
    db_session.commit()
    response = client.post("/users/abandon", json={"email": "dropped@example.com"})
    assert response.json == {"count": 1}
    assert client.get("/users/count").json == {"count": 1}
""",
    "an IntegrityError caught in a view": """
def test_scenario(client):
    assert client.post("/users", json={"email": "a@example.com"}).status_code == 201
    assert client.post("/users", json={"email": "a@example.com"}).status_code == 409
    assert client.post("/users", json={"email": "b@example.com"}).json == {"count": 2}
""",
    "begin_nested": """
def test_scenario(client):
    assert client.post("/users/nested", json={"email": "a@example.com"}).json == {"count": 1}
""",
    "session close and remove": """
def test_scenario(client):
    assert client.post("/users/close", json={"email": "a@example.com"}).json == {"count": 1}
    assert client.get("/users/count").json == {"count": 1}
""",
    "a fresh app context inside the test": """
from inner_app import User, count_users, db

def test_scenario(app):
    with app.app_context():
        db.session.add(User(email="a@example.com"))
        db.session.commit()
    with app.app_context():
        assert count_users() == 1
""",
    "raw engine.connect() with commit": """
def test_scenario(client):
    assert client.post("/users/raw-connect", json={"email": "a@example.com"}).json == {"count": 1}
""",
    "raw engine.begin()": """
def test_scenario(client):
    assert client.post("/users/raw-begin", json={"email": "a@example.com"}).json == {"count": 1}
""",
    "a second bind": """
def test_scenario(client):
    assert client.post("/audit", json={"action": "login"}).json == {"count": 1}
    assert client.post("/audit", json={"action": "logout"}).json == {"count": 2}
""",
    "several tests in a row see an empty database": """
import pytest

@pytest.mark.parametrize("email", ["a@example.com", "b@example.com", "c@example.com"])
def test_scenario(client, email):
    assert client.post("/users", json={"email": email}).json == {"count": 1}
""",
}


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_nothing_persists(inner, source: str) -> None:
    result = inner.run(source)
    passed = 4 if "parametrize" in source else 2
    result.assert_outcomes(passed=passed)


FACTORY_CASES = {
    "bound to db.session at import, flush": user_factory_source(persistence="flush"),
    "bound to db.session at import, commit": user_factory_source(persistence="commit"),
    "sqlalchemy_session_factory": user_factory_source(
        "sqlalchemy_session_factory = lambda: db.session", persistence="commit"
    ),
}

FACTORY_TESTS = """

def test_factory_rows_reach_the_view(db_session, client):
    UserFactory.create_batch(3)
    db_session.flush()
    assert client.get("/users/count").json == {"count": 3}


def test_the_next_test_starts_empty(db_session, client):
    UserFactory()
    db_session.flush()
    assert client.get("/users/count").json == {"count": 1}
"""


@pytest.mark.parametrize("factory", FACTORY_CASES.values(), ids=FACTORY_CASES.keys())
def test_factory_boy_factories_are_isolated(inner, factory: str) -> None:
    result = inner.run(factory + FACTORY_TESTS)
    result.assert_outcomes(passed=3)


def test_committed_data_is_invisible_to_other_connections_during_the_test(inner) -> None:
    if inner.backend == "sqlite-memory":
        # An in-memory database has no other connection that could look.
        source = """
def test_scenario(client, independent):
    client.post("/users", json={"email": "a@example.com"})
    assert independent()["user"] == 1
"""
    else:
        source = """
def test_scenario(client, independent):
    client.post("/users", json={"email": "a@example.com"})
    assert client.get("/users/count").json == {"count": 1}
    assert independent()["user"] == 0
"""
    inner.run(source).assert_outcomes(passed=2)


def test_app_event_listeners_on_db_session_still_fire(inner) -> None:
    source = """
from sqlalchemy import event
from inner_app import db

commits = []


def record(session):
    commits.append(session)


def test_scenario(client):
    event.listen(db.session, "after_commit", record)
    client.post("/users", json={"email": "a@example.com"})
    event.remove(db.session, "after_commit", record)
    assert len(commits) == 1
"""
    inner.run(source).assert_outcomes(passed=2)


def test_the_leak_check_catches_a_write_outside_the_app(inner) -> None:
    # Straight through the driver, which no engine event sees: the plugin cannot refuse it.
    source = """
import sqlite3

import psycopg
from inner_app import db


def test_scenario(app):
    with app.app_context():
        engine = db.engine
    if engine.url.database in (None, "", ":memory:"):
        # Nothing outside the app can reach this database: sabotage the outer transaction instead.
        connection = engine.raw_connection()
        connection.dbapi_connection.execute("INSERT INTO user (email) VALUES ('x@example.com')")
        connection.dbapi_connection.execute("COMMIT")
        connection.close()
        return
    if engine.dialect.name == "sqlite":
        outsider = sqlite3.connect(engine.url.database)
        outsider.execute("INSERT INTO user (email) VALUES ('outsider@example.com')")
    else:
        outsider = psycopg.connect(engine.url.set(drivername="postgresql").render_as_string(False))
        outsider.execute('INSERT INTO "user" (email) VALUES (%s)', ["outsider@example.com"])
    outsider.commit()
    outsider.close()
"""
    result = inner.run(source)
    result.stdout.fnmatch_lines(["*LEAKED after test_scenario: {'user': 1}*"])
