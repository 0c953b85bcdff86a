"""Checks, from a connection of its own, that no test of the inner run left a row behind."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from inner_app import db
from sqlalchemy.pool import NullPool


def independent_counts(app) -> dict[str, int]:
    """Rows per table, read without the app's pool; in-memory SQLite has no other way in."""
    counts = {}
    with app.app_context():
        engines = dict(db.engines)
    for key, engine in engines.items():
        if engine.url.database in (None, "", ":memory:"):
            reader = engine
        else:
            reader = sa.create_engine(engine.url, poolclass=NullPool)
        tables = [t for t in db.metadata.sorted_tables if t.info.get("bind_key") == key]
        with reader.connect() as connection:
            for table in tables:
                counts[table.name] = connection.scalar(
                    sa.select(sa.func.count()).select_from(table)
                )
        if reader is not engine:
            reader.dispose()
    return counts


@pytest.fixture
def independent(app):
    """Row counts as another connection sees them."""
    return lambda: independent_counts(app)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    # After the last test the session fixtures have dropped the database; nothing is left to read.
    if nextitem is not None and "app" in item.fixturenames:
        app = item.funcargs["app"]
        leaked = {name: n for name, n in independent_counts(app).items() if n}
        assert not leaked, f"LEAKED after {item.name}: {leaked}"
    return result
