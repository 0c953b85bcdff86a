"""Fixtures for the plain SQLAlchemy app, and a leak check from a connection of its own."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from plain_app import Base, Session, create_app
from sqlalchemy.pool import NullPool

from flask_testkit import isolated_session, testing_engine


@pytest.fixture(scope="session")
def database():
    with testing_engine(Session, Base.metadata, default_url="sqlite://") as engine:
        yield engine


@pytest.fixture(scope="session")
def app(database):
    return create_app()


@pytest.fixture
def db_session(app, database):
    with app.app_context(), isolated_session(Session) as session:
        yield session


@pytest.fixture
def client(app, db_session):
    return app.test_client()


def independent_count(engine) -> int:
    memory = engine.url.database in (None, "", ":memory:")
    reader = engine if memory else sa.create_engine(engine.url, poolclass=NullPool)
    try:
        with reader.connect() as connection:
            return connection.scalar(sa.text("SELECT count(*) FROM notes"))
    finally:
        if not memory:
            reader.dispose()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if nextitem is not None and "database" in item.fixturenames:
        count = independent_count(item.funcargs["database"])
        assert count == 0, f"LEAKED after {item.name}: {count} notes"
    return result
