"""Apps on Flask-SQLAlchemy-Lite and Alchemical: the plugin's fixtures isolate every test."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from plugin_helpers import ON_POSTGRES, unique_postgres_url

PROJECT = Path(__file__).parent / "project"
APPS = ["lite_app", "alchemical_app"]

TRAILER = """

def test_zz_nothing_left_behind(independent):
    assert independent() == 0
"""

CASES = {
    "commit in a view": """
def test_scenario(client):
    assert client.post("/notes", json={"title": "a"}).json == {"count": 1}
    assert client.get("/notes/count").json == {"count": 1}
""",
    "commit in the test body": """
from APP import Note

def test_scenario(db_session, client):
    db_session.add(Note(title="a"))
    db_session.commit()
    assert client.get("/notes/count").json == {"count": 1}
""",
    "rollback in a view keeps what the test committed": """
from APP import Note

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
    "raw engine.begin() in a view": """
def test_scenario(client):
    assert client.post("/notes/raw", json={"title": "a"}).json == {"count": 1}
""",
    "a test that only asks for the app": """
from APP import Note, session

def test_scenario(app):
    with app.app_context():
        session().add(Note(title="a"))
        session().commit()
    with app.app_context():
        assert app.test_client().get("/notes/count").json == {"count": 1}
""",
    "a Factory Boy factory on the app's session": """
import factory
from APP import Note, session


class NoteFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = Note
        sqlalchemy_session_factory = session
        sqlalchemy_session_persistence = "commit"

    title = factory.Sequence(lambda n: f"note {n}")


def test_scenario(db_session, client):
    NoteFactory.create_batch(3)
    assert client.get("/notes/count").json == {"count": 3}
""",
}

# In-memory SQLite has no second connection to look from, so this runs on the other databases.
INVISIBLE = """
def test_scenario(client, independent):
    assert client.post("/notes", json={"title": "a"}).status_code == 201
    assert independent() == 0
"""

BACKENDS = ["postgresql"] if ON_POSTGRES else ["sqlite-memory", "sqlite-file"]


class DataProject:
    """A pytester project around one of the apps, its own database file, and a test database."""

    def __init__(self, pytester: pytest.Pytester, app: str, backend: str, monkeypatch) -> None:
        self.pytester = pytester
        self.app = app
        self.own_database = pytester.path / "own.db"
        for name in ("lite_app", "alchemical_app", "data_views"):
            pytester.makefile(".py", **{name: (PROJECT / f"{name}.py").read_text()})
        pytester.makeconftest((PROJECT / "data_conftest.py").read_text())
        pytester.makeini(f"[pytest]\nflask_app = {app}:create_app()\n")
        if backend == "sqlite-memory":
            monkeypatch.setenv("DATA_APP_DB", "sqlite://")
        else:
            monkeypatch.setenv("DATA_APP_DB", f"sqlite:///{self.own_database}")
        if backend == "sqlite-file":
            monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{pytester.path / 'test.db'}")
        elif backend == "postgresql":
            monkeypatch.setenv("TEST_DATABASE_URL", unique_postgres_url("datalayer"))

    def run(self, source: str) -> pytest.RunResult:
        self.pytester.makepyfile(test_data=source.replace("APP", self.app) + TRAILER)
        return self.pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider")


@pytest.fixture(params=[(app, backend) for app in APPS for backend in BACKENDS], ids=str)
def data(request, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> DataProject:
    for name in ("FLASK_APP", "TEST_DATABASE_URL", "PYTEST_XDIST_WORKER", "DATA_APP_DB"):
        monkeypatch.delenv(name, raising=False)
    app_module, backend = request.param
    return DataProject(pytester, app_module, backend, monkeypatch)


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_nothing_persists(data: DataProject, source: str) -> None:
    data.run(source).assert_outcomes(passed=2)


@pytest.mark.parametrize("app_module", APPS)
def test_committed_data_is_invisible_to_other_connections(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, app_module: str
) -> None:
    for name in ("TEST_DATABASE_URL", "PYTEST_XDIST_WORKER", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    project = DataProject(pytester, app_module, BACKENDS[-1], monkeypatch)
    project.run(INVISIBLE).assert_outcomes(passed=2)


@pytest.mark.parametrize("app_module", APPS)
def test_a_leak_is_caught_without_the_plugins_isolation(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, app_module: str
) -> None:
    # The negative control: a commit outside any isolated block is seen by the leak check.
    for name in ("TEST_DATABASE_URL", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    project = DataProject(pytester, app_module, "sqlite-file", monkeypatch)
    monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{pytester.path / 'test.db'}")
    source = """
import sqlite3

from flask_testkit.sqlalchemy_extensions import engines_of, extension_of

def test_scenario(app):
    engine = next(iter(engines_of(app, extension_of(app)[1]).values()))
    # Straight through the driver, which no engine event sees: a real commit, a real leak.
    with sqlite3.connect(engine.url.database) as connection:
        connection.execute("INSERT INTO notes (title) VALUES ('leak')")
"""
    result = project.run(source)
    result.stdout.fnmatch_lines(["*LEAKED after test_scenario: 1 notes*"])


@pytest.mark.parametrize("app_module", APPS)
def test_the_apps_own_database_is_left_alone(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, app_module: str
) -> None:
    for name in ("TEST_DATABASE_URL", "PYTEST_XDIST_WORKER", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    backend = "postgresql" if ON_POSTGRES else "sqlite-file"
    project = DataProject(pytester, app_module, backend, monkeypatch)
    with sqlite3.connect(project.own_database) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, title VARCHAR(80))")
        connection.execute("INSERT INTO notes (title) VALUES ('mine')")
    before = project.own_database.read_bytes()
    project.run(CASES["commit in a view"]).assert_outcomes(passed=2)
    assert project.own_database.read_bytes() == before


@pytest.mark.parametrize("app_module", APPS)
def test_guide_style_conftest_on_the_helpers(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, app_module: str
) -> None:
    for name in ("TEST_DATABASE_URL", "PYTEST_XDIST_WORKER", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    project = DataProject(pytester, app_module, BACKENDS[-1], monkeypatch)
    (pytester.path / "tox.ini").unlink()
    helper = (
        "testing_lite_database(application, Model.metadata, default_url='sqlite://')"
        if app_module == "lite_app"
        else "testing_alchemical(application, db, default_url='sqlite://')"
    )
    names = "Model, db" if app_module == "lite_app" else "db"
    pytester.makeconftest(
        (PROJECT / "data_conftest.py").read_text()
        + f"""

from flask_testkit import isolated_lite_database, testing_alchemical, testing_lite_database
from {app_module} import create_app, {names}


@pytest.fixture(scope="session")
def app():
    application = create_app()
    with {helper}:
        yield application


@pytest.fixture
def db_session(app):
    with app.app_context(), isolated_lite_database(db) as session:
        yield session


@pytest.fixture
def client(app, db_session):
    return app.test_client()
"""
    )
    source = CASES["commit in the test body"] + CASES["commit in a view"].replace(
        "test_scenario", "test_second"
    )
    project.run(source).assert_outcomes(passed=3)


def test_testing_lite_database_on_another_app_says_what_to_do(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_data="""
from flask import Flask

from flask_testkit import testing_lite_database


def test_scenario():
    with testing_lite_database(Flask("bare")):
        pass
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.stdout.fnmatch_lines(["*testing_lite_database() needs Flask-SQLAlchemy-Lite*"])


def test_lite_async_engines_are_refused_in_one_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Creating an async engine on psycopg connects to nothing, so no server is needed here.
    for name in ("TEST_DATABASE_URL", "PYTEST_XDIST_WORKER", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    project = DataProject(pytester, "lite_app", "sqlite-memory", monkeypatch)
    pytester.makepyfile(
        async_app="""
from lite_app import create_app as sync_app


def create_app():
    app = sync_app()
    app.config["SQLALCHEMY_ASYNC_ENGINES"] = {"default": "postgresql+psycopg://nobody@127.0.0.1/x"}
    return app
"""
    )
    pytester.makeini("[pytest]\nflask_app = async_app:create_app()\n")
    result = project.run(CASES["commit in a view"])
    result.stdout.fnmatch_lines(
        ["*flask-testkit does not isolate Flask-SQLAlchemy-Lite's async engines*"]
    )
    assert "passed" not in result.stdout.lines[-1]


@pytest.mark.parametrize("app_module", APPS)
def test_with_no_url_the_tests_run_on_a_test_copy(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, app_module: str
) -> None:
    for name in ("TEST_DATABASE_URL", "PYTEST_XDIST_WORKER", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    project = DataProject(pytester, app_module, "sqlite-file", monkeypatch)
    monkeypatch.delenv("TEST_DATABASE_URL")
    with sqlite3.connect(project.own_database) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, title VARCHAR(80))")
        connection.execute("INSERT INTO notes (title) VALUES ('mine')")
    before = project.own_database.read_bytes()
    copy = project.own_database.with_name("own_test.db")
    pytester.makepyfile(
        test_copy=f"""
def test_the_engine_is_on_the_copy(app, client):
    from flask_testkit.sqlalchemy_extensions import engines_of, extension_of
    engines = engines_of(app, extension_of(app)[1])
    assert [engine.url.database for engine in engines.values()] == [{str(copy)!r}]
    assert client.get("/notes/count").json == {{"count": 0}}
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert project.own_database.read_bytes() == before
    assert not copy.exists()
