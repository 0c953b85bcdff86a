"""Apps on plain SQLAlchemy (no Flask-SQLAlchemy): testing_engine() and isolated_session()."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from plugin_helpers import ON_POSTGRES, unique_postgres_url

PROJECT = Path(__file__).parent / "project"

TRAILER = """

def test_zz_nothing_left_behind(database):
    from conftest import independent_count

    assert independent_count(database) == 0
"""

CASES = {
    "commit in a view": """
def test_scenario(client):
    assert client.post("/notes", json={"title": "a"}).json == {"count": 1}
    assert client.get("/notes/count").json == {"count": 1}
""",
    "commit in the test body": """
from plain_app import Note, count_notes

def test_scenario(db_session):
    db_session.add(Note(title="a"))
    db_session.commit()
    assert count_notes() == 1
""",
    "rollback in a view keeps what the test committed": """
from plain_app import Note

def test_scenario(db_session, client):
    db_session.add(Note(title="kept"))
    db_session.commit()
    assert client.post("/notes/abandon", json={"title": "dropped"}).json == {"count": 1}
""",
    "an IntegrityError caught in a view": """
def test_scenario(client):
    assert client.post("/notes", json={"title": "a"}).status_code == 201
    assert client.post("/notes", json={"title": "a"}).status_code == 409
    assert client.post("/notes", json={"title": "b"}).json == {"count": 2}
""",
    "begin_nested": """
def test_scenario(client):
    assert client.post("/notes/nested", json={"title": "a"}).json == {"count": 1}
""",
    "a test that only asks for the app, marked flask_db": """
import pytest
from plain_app import Note, Session, count_notes

@pytest.mark.flask_db
def test_scenario(app):
    with app.app_context():
        Session.add(Note(title="a"))
        Session.commit()
    with app.app_context():
        assert count_notes() == 1
""",
    "a session of its own from a sessionmaker": """
import sqlalchemy as sa
from plain_app import Note, Session

from flask_testkit import isolated_session


def test_scenario(app):
    maker = Session.session_factory
    with app.app_context(), isolated_session(maker) as session:
        assert session is not Session()
        session.add(Note(title="a"))
        session.commit()
        assert session.scalar(sa.select(sa.func.count()).select_from(Note)) == 1
""",
    "a Factory Boy factory on the scoped session": """
import factory
from plain_app import Note, Session


class NoteFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = Note
        sqlalchemy_session = Session
        sqlalchemy_session_persistence = "commit"

    title = factory.Sequence(lambda n: f"note {n}")


def test_scenario(db_session, client):
    NoteFactory.create_batch(3)
    assert client.get("/notes/count").json == {"count": 3}
""",
}


@pytest.fixture(params=["sqlite-memory", "sqlite-file"] if not ON_POSTGRES else ["postgresql"])
def plain(request, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A project holding the plain app, its own database file, and the test database chosen."""
    for name in ("FLASK_APP", "TEST_DATABASE_URL", "PYTEST_XDIST_WORKER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PLAIN_APP_DB", f"sqlite:///{pytester.path / 'dev.db'}")
    pytester.makefile(".py", plain_app=(PROJECT / "plain_app.py").read_text())
    pytester.makeconftest((PROJECT / "plain_conftest.py").read_text())
    if request.param == "sqlite-file":
        monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{pytester.path / 'test.db'}")
    elif request.param == "postgresql":
        monkeypatch.setenv("TEST_DATABASE_URL", unique_postgres_url("plain"))
    return pytester


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(test_plain=source + TRAILER)
    return pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider")


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_nothing_persists(plain: pytest.Pytester, source: str) -> None:
    result = run(plain, source)
    result.assert_outcomes(passed=2)


def test_a_leak_is_caught_when_the_session_is_not_isolated(pytester: pytest.Pytester) -> None:
    # The negative control: without the plugin's isolation the same check reports the row.
    pytester.makefile(".py", plain_app=(PROJECT / "plain_app.py").read_text())
    pytester.makeconftest((PROJECT / "plain_conftest.py").read_text())
    source = """
from plain_app import Note, Session

def test_scenario(database):
    Session.add(Note(title="a"))
    Session.commit()
    Session.remove()
"""
    result = run(pytester, source)
    result.stdout.fnmatch_lines(["*LEAKED after test_scenario: 1 notes*"])


def test_the_apps_own_database_is_left_alone(plain: pytest.Pytester) -> None:
    dev = plain.path / "dev.db"
    with sqlite3.connect(dev) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, title VARCHAR(80))")
        connection.execute("INSERT INTO notes (title) VALUES ('mine')")
    source = f"""
import sqlalchemy as sa
from plain_app import Session, engine

def test_scenario(client):
    assert client.post("/notes", json={{"title": "a"}}).json == {{"count": 1}}
    # The app's own engine object moved to the test database: using it directly is safe too.
    assert Session.session_factory.kw["bind"] is engine
    assert engine.url.database != "{dev}"
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM notes")) == 1
"""
    run(plain, source).assert_outcomes(passed=2)
    with sqlite3.connect(dev) as connection:
        assert connection.execute("SELECT title FROM notes").fetchall() == [("mine",)]


def test_the_session_factory_gets_its_engine_back(plain: pytest.Pytester) -> None:
    source = """
from plain_app import Base, Session, engine

from flask_testkit import testing_engine


def test_scenario():
    own_url = engine.url
    with testing_engine(Session, Base.metadata, url="sqlite://") as test_engine:
        assert test_engine is engine
        assert engine.url.database is None
    assert Session.session_factory.kw["bind"] is engine
    assert engine.url == own_url
"""
    plain.makepyfile(test_plain=source)
    plain.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)


def test_a_database_made_for_the_run_is_dropped(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makefile(".py", plain_app=(PROJECT / "plain_app.py").read_text())
    pytester.makeconftest((PROJECT / "plain_conftest.py").read_text())
    test_file = pytester.path / "made.db"
    url = unique_postgres_url("plain") if ON_POSTGRES else f"sqlite:///{test_file}"
    monkeypatch.setenv("TEST_DATABASE_URL", url)
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    run(pytester, CASES["commit in a view"]).assert_outcomes(passed=2)
    assert not database_exists(sa.make_url(url))


def database_exists(url: sa.URL) -> bool:
    if url.get_backend_name() == "sqlite":
        return Path(url.database or "").exists()
    server = sa.create_engine(url.set(database="postgres"))
    try:
        with server.connect() as connection:
            found = connection.scalar(
                sa.text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": url.database}
            )
    finally:
        server.dispose()
    return bool(found)


def test_isolated_session_before_testing_engine_says_what_to_do(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="""
import sqlalchemy as sa
from sqlalchemy.orm import scoped_session, sessionmaker

from flask_testkit import isolated_session


def test_scenario():
    with isolated_session(scoped_session(sessionmaker())):
        pass
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.stdout.fnmatch_lines(["*isolated_session() needs a session factory bound*"])


def test_testing_engine_rejects_something_that_is_not_a_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="""
import sqlalchemy as sa

from flask_testkit import testing_engine


def test_scenario():
    with testing_engine(object(), sa.MetaData(), url="sqlite://"):
        pass
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.stdout.fnmatch_lines(["*expected a scoped_session or sessionmaker, got object*"])


def test_with_no_url_the_session_runs_on_a_test_copy(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FLASK_APP", "TEST_DATABASE_URL", "PYTEST_XDIST_WORKER"):
        monkeypatch.delenv(name, raising=False)
    dev = pytester.path / "dev.db"
    monkeypatch.setenv("PLAIN_APP_DB", f"sqlite:///{dev}")
    with sqlite3.connect(dev) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, title VARCHAR(80))")
        connection.execute("INSERT INTO notes (title) VALUES ('mine')")
    pytester.makefile(".py", plain_app=(PROJECT / "plain_app.py").read_text())
    pytester.makeconftest(
        (PROJECT / "plain_conftest.py").read_text().replace(', default_url="sqlite://"', "")
    )
    source = f"""
from plain_app import Session


def test_scenario(client):
    assert client.post("/notes", json={{"title": "a"}}).json == {{"count": 1}}
    assert Session.session_factory.kw["bind"].url.database == "{pytester.path / "dev_test.db"}"
"""
    run(pytester, source).assert_outcomes(passed=2)
    with sqlite3.connect(dev) as connection:
        assert connection.execute("SELECT title FROM notes").fetchall() == [("mine",)]
    assert not (pytester.path / "dev_test.db").exists()
