"""The app's configured database is never touched: tests run on a test copy, whatever is bound."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from plugin_helpers import BACKENDS, ON_POSTGRES, OUTER_DB_URL, run_isolated_subprocess
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from flask_testkit.database import create_database, database_exists, drop_database

PROJECT = Path(__file__).parent / "project"

CONFIGURED_ROWS = [("configured one",), ("configured two",)]

GUIDE_CONFTEST = """
import pytest
from bound_app import create_app
from flask_testkit import testing_database


@pytest.fixture(scope="session")
def app():
    app = create_app()
    with testing_database(app):
        yield app


@pytest.fixture
def client(app):
    return app.test_client()
"""


@dataclass
class Configured:
    """The app's own database, full of the developer's rows, and the test copy expected for it."""

    url: URL
    test_url: URL
    expected: str

    def snapshot(self) -> object:
        """What an independent connection sees in it; for a file, also its bytes."""
        engine = sa.create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                tables = sorted(sa.inspect(connection).get_table_names())
                rows = connection.execute(sa.text("SELECT title FROM note ORDER BY id")).all()
        finally:
            engine.dispose()
        content = None
        if self.url.get_backend_name() == "sqlite":
            content = hashlib.sha256(Path(self.url.database or "").read_bytes()).hexdigest()
        return tables, [tuple(row) for row in rows], content


def make_configured(url: URL) -> None:
    create_database(url)
    engine = sa.create_engine(url, poolclass=NullPool)
    key = "SERIAL PRIMARY KEY" if url.get_backend_name() == "postgresql" else "INTEGER PRIMARY KEY"
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE TABLE author (id {key}, name TEXT)"))
        connection.execute(sa.text(f"CREATE TABLE note (id {key}, title TEXT)"))
        for (title,) in CONFIGURED_ROWS:
            connection.execute(sa.text("INSERT INTO note (title) VALUES (:t)"), {"t": title})
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def configured(
    request: pytest.FixtureRequest, project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> Configured:
    """A configured database with rows, and the run's test database on this backend."""
    project.makepyfile(bound_app=(PROJECT / "bound_app.py").read_text())
    if request.param == "postgresql":
        name = f"plugin_db_configured_{uuid.uuid4().hex[:8]}"
        url = make_url(OUTER_DB_URL).set(database=name)
        test_url = url.set(database=f"{name}_test")
        expected = f"{name}_test"
    else:
        url = make_url(f"sqlite:///{project.path / 'configured.db'}")
        if request.param == "sqlite-memory":
            test_url = make_url("sqlite://")
            monkeypatch.setenv("TEST_DATABASE_URL", "sqlite://")
            expected = ":memory:"
        else:
            test_url = make_url(f"sqlite:///{project.path / 'configured_test.db'}")
            expected = str(project.path / "configured_test.db")
    request.addfinalizer(lambda: drop_database(url))
    for copy in copies(test_url):
        # Only a failing run leaves any of them; the tests check that they are gone.
        request.addfinalizer(lambda copy=copy: drop_database(copy))
    make_configured(url)
    monkeypatch.setenv("CONFIGURED_DB", url.render_as_string(hide_password=False))
    monkeypatch.setenv("EXPECTED_TEST_DB", expected)
    return Configured(url, test_url, expected)


def copies(url: URL) -> list[URL]:
    """The database, and the per-worker copies and their template that an xdist run makes."""
    names = [url]
    if url.database:
        path = Path(url.database)
        for worker in ("gw0", "gw1", "template"):
            copy = f"{path.stem}_{worker}{path.suffix}" if path.suffix else f"{path}_{worker}"
            names.append(url.set(database=str(path.with_name(copy))))
    return names


def gone(url: URL) -> bool:
    """Neither the database nor a per-worker copy of it is left."""
    return not any(database_exists(name) for name in copies(url))


@pytest.mark.parametrize("built_by", ["plugin", "conftest"])
def test_nothing_reaches_the_configured_database(
    project: pytest.Pytester, configured: Configured, built_by: str
) -> None:
    before = configured.snapshot()
    project.makepyfile(test_bound=(PROJECT / "bound_tests.py").read_text())
    if built_by == "plugin":
        # The plugin builds the app: its engines are made on the test copy from the start.
        project.makeini("[pytest]\nflask_app = bound_app:create_app()\n")
    else:
        # The factory ran before testing_database(): the engines are moved in place.
        project.makeconftest(GUIDE_CONFTEST + MARK_ALL)
    result = run_isolated_subprocess(project, "-n", "2")
    result.assert_outcomes(passed=6)
    assert configured.snapshot() == before
    assert gone(configured.test_url)


MARK_ALL = """

def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.flask_db)
"""

RECIPE_TEST = """
import os

import sqlalchemy as sa
from bound_app import Author, db, database_of


def test_the_recipe_keeps_working_on_the_test_copy(app):
    with app.app_context():
        db.session.add(Author(name="kept"))
        with db.session.begin_nested():
            db.session.add(Author(name="nested"))
        savepoint = db.session.begin_nested()
        db.session.add(Author(name="dropped"))
        savepoint.rollback()
        db.session.commit()
        names = db.session.scalars(sa.select(Author.name).order_by(Author.id)).all()
        connection = db.engine.raw_connection()
        # The recipe's connect listener fired on this connection, to the test copy.
        assert connection.dbapi_connection.isolation_level is None
        assert database_of(connection.dbapi_connection) == os.environ["EXPECTED_TEST_DB"]
        connection.close()
    assert names == ["kept", "nested"]
"""


RECIPE_ISOLATED_TEST = (
    """
import pytest

pytestmark = pytest.mark.flask_db
"""
    + RECIPE_TEST
    + """

def test_zz_the_rows_were_rolled_back(app):
    with app.app_context():
        url = db.engine.url
        if url.database in (None, "", ":memory:"):  # one connection holds it: the next test's
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Author)) == 0
            return
    # From a connection of its own, outside any test's transaction.
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM author")).scalar() == 0
    engine.dispose()
"""
)


@pytest.mark.skipif(ON_POSTGRES, reason="the pysqlite savepoint recipe is for SQLite")
@pytest.mark.parametrize("isolated", [False, True], ids=["as-written", "isolated"])
def test_the_pysqlite_savepoint_recipe_is_kept(
    project: pytest.Pytester,
    configured: Configured,
    monkeypatch: pytest.MonkeyPatch,
    isolated: bool,
) -> None:
    # Not isolated, the recipe's own BEGIN runs as the app wrote it; isolated, the test's
    # transaction is already open and that BEGIN changes nothing, and every row is rolled back.
    monkeypatch.setenv("SQLITE_RECIPE", "1")
    before = configured.snapshot()
    project.makeconftest(GUIDE_CONFTEST)
    project.makepyfile(test_recipe=RECIPE_ISOLATED_TEST if isolated else RECIPE_TEST)
    project.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=2 if isolated else 1)
    assert configured.snapshot() == before
    assert gone(configured.test_url)
