"""A conftest written the guide's way, on `testing_database` and `isolated_database`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from plugin_helpers import ON_POSTGRES, OUTER_DB_URL, unique_postgres_url, user_factory_source

GUIDE_STYLE_CONFTEST = """
import pytest
from flask_testkit import isolated_database, testing_database

from inner_app import create_app, db as _db


@pytest.fixture(scope="session")
def app():
    app = create_app()
    with testing_database(app):
        yield app


@pytest.fixture
def db_session(app):
    with app.app_context(), isolated_database(_db) as session:
        yield session


@pytest.fixture
def client(app, db_session):
    return app.test_client()

"""


GUIDE_STYLE_TESTS = """
import pytest
from factories import UserFactory
from inner_app import count_users


@pytest.mark.parametrize("n", [3, 1, 2])
def test_list_users_returns_all(client, db_session, n):
    UserFactory.create_batch(n)
    db_session.flush()
    assert client.get("/users/count").json == {"count": n}


def test_create_user_duplicate_email(client, db_session):
    UserFactory(email="dupe@example.com")
    db_session.flush()
    response = client.post("/users", json={"email": "dupe@example.com"})
    assert response.status_code == 409


def test_the_session_is_the_apps_own(db_session):
    from inner_app import db
    assert db_session is db.session
    assert count_users() == 0
"""


def test_a_guide_style_conftest_is_isolated(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.makeconftest(GUIDE_STYLE_CONFTEST)
    project.makepyfile(factories=user_factory_source())
    project.makepyfile(GUIDE_STYLE_TESTS)
    result = project.runpytest_inprocess("-p", "randomly")
    result.assert_outcomes(passed=5)


def test_isolated_database_needs_an_app_context(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
import pytest
from flask_testkit import isolated_database
from flask_testkit.errors import ConfigurationError
from inner_app import db


def test_outside_a_context():
    with pytest.raises(ConfigurationError, match="needs an app context"):
        with isolated_database(db):
            pass
"""
    )
    project.runpytest_inprocess().assert_outcomes(passed=1)


def test_importing_the_helpers_into_a_test_module_collects_nothing_extra(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(
        """
from flask_testkit import isolated_database, isolated_engines, testing_database


def test_only_this():
    assert callable(testing_database)
"""
    )
    result = project.runpytest_inprocess("--collect-only", "-q")
    assert [line for line in result.outlines if "::" in line] == [
        "test_importing_the_helpers_into_a_test_module_collects_nothing_extra.py::test_only_this"
    ]


BUILT_ON_IMPORT = '''
"""An app built as its module is imported, which makes its tables and a first row right away."""

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(40))


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "CONFIGURED"
db.init_app(app)
with app.app_context():
    db.create_all()
    db.session.add(Note(text="made as the app starts"))
    db.session.commit()
'''

BUILT_ON_IMPORT_CONFTEST = """
import pytest
from flask_testkit import apps_on_test_database, isolated_database, testing_database

with apps_on_test_database(default_url="sqlite://"):
    from notes_module import Note, app as flask_app, db


@pytest.fixture(scope="session")
def app():
    with testing_database(flask_app, default_url="sqlite://"):
        yield flask_app


@pytest.fixture
def db_session(app):
    with app.app_context(), isolated_database(db) as session:
        yield session
"""


@pytest.fixture
def configured_database(project: pytest.Pytester) -> Iterator[str]:
    """The URL the app is configured with: a database of its own on PostgreSQL, else a file."""
    if not ON_POSTGRES:
        yield "sqlite:///notes.db"  # relative: Flask-SQLAlchemy puts it in instance/
        return
    url = unique_postgres_url("configured")
    name = sa.make_url(url).database
    server = sa.create_engine(
        sa.make_url(OUTER_DB_URL).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        server.dispose()


def test_an_app_built_as_its_module_is_imported_never_reaches_its_configured_database(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, configured_database: str
) -> None:
    if ON_POSTGRES:
        monkeypatch.setenv("TEST_DATABASE_URL", unique_postgres_url("helpers"))
    source = BUILT_ON_IMPORT.replace("CONFIGURED", configured_database)
    project.makepyfile(notes_module=source)
    project.makeconftest(BUILT_ON_IMPORT_CONFTEST)
    project.makepyfile(
        """
        def test_the_first_row_is_on_the_test_database(db_session):
            from notes_module import Note
            assert [n.text for n in db_session.query(Note)] == ["made as the app starts"]
        """
    )
    result = project.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1)
    if ON_POSTGRES:
        engine = sa.create_engine(configured_database)
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
        engine.dispose()
        assert tables == []  # the app's own database got no table and no row
    else:
        # Neither the configured file nor its instance folder was made.
        assert not (project.path / "instance").exists()
        assert not list(project.path.rglob("notes.db"))
