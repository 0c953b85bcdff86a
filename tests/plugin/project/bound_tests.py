"""Tests of the bound app: everything its factory bound reaches the test database, never another."""

import os

import pytest
import sqlalchemy as sa
from bound_app import CONNECTED, Author, Note, create_app, database_of, db
from sqlalchemy.pool import NullPool

WORKER = os.environ.get("PYTEST_XDIST_WORKER")
EXPECTED = os.environ["EXPECTED_TEST_DB"]
# Under xdist the schema is built in a template, through the app's own engine and listeners.
TEMPLATE: set[str] = set()
if WORKER and EXPECTED != ":memory:":
    # Each xdist worker has a database of its own: `_gw0` before the file's suffix.
    stem, dot, suffix = EXPECTED.rpartition(".") if EXPECTED.endswith(".db") else (EXPECTED, "", "")
    EXPECTED = f"{stem}_{WORKER}{dot}{suffix}"
    TEMPLATE = {f"{stem}_template{dot}{suffix}"}


def connected_database(engine):
    with engine.connect() as connection:
        return database_of(connection.connection.dbapi_connection)


def test_the_factory_sessionmaker_writes_to_the_test_database(app):
    with app.extensions["note_sessions"]() as session:
        session.add(Note(title="from the factory's sessionmaker"))
        session.commit()
        assert session.scalar(sa.select(sa.func.count()).select_from(Note)) == 1
        assert database_of(session.connection().connection.dbapi_connection) == EXPECTED


def test_the_connect_listener_fires_on_the_test_database(app):
    with app.app_context():
        assert connected_database(db.engine) == EXPECTED
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert CONNECTED
    assert set(CONNECTED) - TEMPLATE == {EXPECTED}


def test_foreign_keys_are_enforced(app):
    # On SQLite only the app's connect listener turns them on.
    with app.app_context():
        db.session.add(Note(title="orphan", author_id=999))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_savepoints_and_commits_in_a_view(app, client):
    with app.app_context():
        db.session.add(Author(name="kept"))
        with db.session.begin_nested():
            db.session.add(Author(name="nested"))
        savepoint = db.session.begin_nested()
        db.session.add(Author(name="dropped"))
        savepoint.rollback()
        db.session.add(Note(title="a note"))
        db.session.commit()
        names = db.session.scalars(sa.select(Author.name).order_by(Author.id)).all()
    assert names == ["kept", "nested"]
    assert client.get("/notes/count").json == {"count": 1}


def test_a_second_app_is_on_the_test_database_too(app):
    second = create_app()
    assert second is not app
    with second.app_context():
        assert connected_database(db.engine) == EXPECTED
        tables = sa.inspect(db.engine).get_table_names()
        if "note" in tables:
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Note)) == 0
        db.session.remove()
    # Code that makes an engine from the config reaches the test database as well.
    own = sa.create_engine(second.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    if EXPECTED != ":memory:":
        assert connected_database(own) == EXPECTED
    own.dispose()


def test_zz_the_test_database_is_empty(app):
    if EXPECTED == ":memory:":
        return
    with app.app_context():
        url = db.engine.url
    reader = sa.create_engine(url, poolclass=NullPool)
    with reader.connect() as connection:
        counts = [
            connection.scalar(sa.select(sa.func.count()).select_from(t)) for t in (Author, Note)
        ]
    reader.dispose()
    assert counts == [0, 0]
