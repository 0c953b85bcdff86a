"""`flask_db(transaction=True)` commits for real, then empties what the test filled."""

from __future__ import annotations

import pytest
from conftest import InnerProject
from plugin_helpers import ON_POSTGRES

HEADER = """
import pytest
import sqlalchemy as sa
from inner_app import AuditEntry, User, count_users, db

"""

# Each needs a real COMMIT; each runs twice, so the second run shows the first left nothing.
NEEDS_A_COMMIT = {
    "a commit other connections see": """
def test_scenario(client, independent, run):
    assert client.post("/users", json={"email": "a@example.com"}).json == {"count": 1}
    assert client.post("/audit", json={"action": "login"}).json == {"count": 1}
    assert independent()["user"] == 1
""",
    "an AUTOCOMMIT connection": """
def test_scenario(app, independent, run):
    with app.app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.insert(User).values(email="a@example.com"))
    assert independent()["user"] == 1
""",
    "COMMIT sent as SQL": """
def test_scenario(app, independent, run):
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(sa.insert(User).values(email="a@example.com"))
        connection.exec_driver_sql("COMMIT")
    assert independent()["user"] == 1
""",
    "raw_connection().commit()": """
def test_scenario(app, independent, run):
    with app.app_context():
        raw = db.engine.raw_connection()
    raw.cursor().execute("INSERT INTO \\"user\\" (email) VALUES ('a@example.com')")
    raw.commit()
    raw.close()
    assert independent()["user"] == 1
""",
}

RUN_TWICE = """

@pytest.fixture(params=[1, 2])
def run(request):
    return request.param
"""


@pytest.mark.parametrize("body", NEEDS_A_COMMIT.values(), ids=NEEDS_A_COMMIT.keys())
def test_commits_for_real_and_leaves_nothing(inner, body: str) -> None:
    source = (
        HEADER
        + RUN_TWICE
        + body.replace(
            "def test_scenario", "@pytest.mark.flask_db(transaction=True)\ndef test_scenario"
        )
    )
    inner.run(source).assert_outcomes(passed=3)


def test_an_engine_the_app_makes_itself_commits_and_is_emptied(project, monkeypatch) -> None:
    # On a database a second engine can reach: a second sqlite:// engine opens one of its own.
    inner = InnerProject(project, monkeypatch, "postgresql" if ON_POSTGRES else "sqlite-file")
    source = """

@pytest.mark.flask_db(transaction=True)
def test_scenario(client, run):
    with client.application.app_context():
        url = db.engine.url
    own = sa.create_engine(url)
    with own.begin() as connection:
        connection.execute(sa.insert(User).values(email="own@example.com"))
    own.dispose()
    assert client.get("/users/count").json == {"count": 1}
"""
    inner.run(HEADER + RUN_TWICE + source).assert_outcomes(passed=3)


def test_identities_restart(inner) -> None:
    source = """

@pytest.mark.flask_db(transaction=True)
def test_committed(client, run):
    client.post("/users", json={"email": "a@example.com"})
    with client.application.app_context():
        assert db.session.scalar(sa.select(User.id)) == 1


@pytest.mark.flask_db(reset_sequences=True)
def test_rolled_back(db_session, run):
    user = User(email="a@example.com")
    db_session.add(user)
    db_session.flush()
    assert user.id == 1
"""
    inner.run(HEADER + RUN_TWICE + source).assert_outcomes(passed=5)


def test_without_reset_sequences_postgresql_keeps_counting(inner) -> None:
    # The control for test_identities_restart: the reset is what makes the ids start again.
    source = """

def test_rolled_back(db_session, run):
    user = User(email="a@example.com")
    db_session.add(user)
    db_session.flush()
    assert user.id == run
"""
    result = inner.run(HEADER + RUN_TWICE + source)
    if inner.backend == "postgresql":
        result.assert_outcomes(passed=3)
    else:
        # SQLite takes the next id from the table, so a rollback restarts them anyway.
        result.assert_outcomes(passed=2, failed=1)


def test_a_typo_in_the_marker_is_one_line(inner) -> None:
    source = """

@pytest.mark.flask_db(transactions=True)
def test_scenario(client):
    pass
"""
    result = inner.run(HEADER + source)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*flask-testkit: @pytest.mark.flask_db takes the keyword arguments *; got transactions."]
    )
