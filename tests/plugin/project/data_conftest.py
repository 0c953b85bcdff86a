"""A leak check, from a connection of its own, for the Lite and Alchemical apps."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from flask_testkit.sqlalchemy_extensions import engines_of, extension_of


def independent_count(app) -> int:
    """Rows in `notes` as another connection sees them; in-memory SQLite has no other way in."""
    _, db = extension_of(app)
    engine = next(iter(engines_of(app, db).values()))
    memory = engine.url.database in (None, "", ":memory:")
    reader = engine if memory else sa.create_engine(engine.url, poolclass=NullPool)
    try:
        with reader.connect() as connection:
            return connection.scalar(sa.text("SELECT count(*) FROM notes"))
    finally:
        if not memory:
            reader.dispose()


@pytest.fixture
def independent(app):
    """The row count another connection sees."""
    return lambda: independent_count(app)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if nextitem is not None and "app" in item.fixturenames:
        count = independent_count(item.funcargs["app"])
        assert count == 0, f"LEAKED after {item.name}: {count} notes"
    return result
