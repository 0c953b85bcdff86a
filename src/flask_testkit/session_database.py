"""A plain SQLAlchemy app's test database: a session factory rebound to it, per-test isolation."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import scoped_session, sessionmaker
from sqlalchemy.pool import StaticPool

from flask_testkit import settings
from flask_testkit.database import display, is_memory, unreachable
from flask_testkit.errors import ConfigurationError, one_line
from flask_testkit.isolation import isolated_engines
from flask_testkit.marking import schema_fingerprint
from flask_testkit.provisioning import Provisioned, provision, release, schema_built
from flask_testkit.repointing import repoint_in_place
from flask_testkit.targets import choose

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.engine import URL, Engine

# Engines made by testing_engine() that are live now: the plugin isolates them around every test
# that uses `app`, as it does for a Flask-SQLAlchemy app's own engines.
_active: list[Engine] = []


def active_engines() -> list[Engine]:
    """The test engines testing_engine() has open."""
    return list(_active)


def _factory_of(session: Any) -> sessionmaker[Any]:
    if isinstance(session, scoped_session):
        return session.session_factory
    if isinstance(session, sessionmaker):
        return session
    raise ConfigurationError(
        f"expected a scoped_session or sessionmaker, got {type(session).__name__}. Pass the "
        "object your app makes its sessions from, e.g. `Session = scoped_session(sessionmaker())`."
    )


def bound_engine(session: Any) -> Engine | None:
    """The engine a scoped_session or sessionmaker makes its sessions on, if it has one."""
    bind = _factory_of(session).kw.get("bind")
    return bind if isinstance(bind, sa.Engine) else None


def _remove(session: Any) -> None:
    if isinstance(session, scoped_session):
        session.remove()


def _test_url(session: Any, url: str | None, default_url: str | None) -> URL:
    rule = choose(url, default_url)
    own = bound_engine(session)
    if rule.override is not None:
        return rule.url_for(None, rule.override)
    if own is None:
        raise ConfigurationError(
            "testing_engine() found no database to use: the session factory has no engine bound. "
            "Pass url=..., set --db-url or TEST_DATABASE_URL, or bind the factory to an engine."
        )
    return rule.url_for(None, own.url)


@contextmanager
def testing_engine(
    session: Any,
    metadata: sa.MetaData,
    *,
    url: str | None = None,
    default_url: str | None = None,
) -> Iterator[Engine]:
    """Move a session factory's engine to the test database and create the metadata's tables.

    `session` is the app's scoped_session or sessionmaker. The database is `url`, else the run's
    setting (--db-url, TEST_DATABASE_URL, ini flask_db_url), else `default_url`, else a test copy
    of the database of the engine the factory is bound to (`<name>_test`). That engine stays the
    same object, moved in place (a factory with no engine is bound to a new one). On exit it
    moves back, and only what the run created (the database, or else its tables) is dropped.
    """
    factory = _factory_of(session)
    original_bind = factory.kw.get("bind")
    target = _test_url(session, url, default_url)
    options: dict[str, Any] = {"poolclass": StaticPool} if is_memory(target) else {}
    if target.get_backend_name() == "sqlite":
        options["connect_args"] = {"check_same_thread": False}
    active = settings.current()
    fingerprint = schema_fingerprint([metadata], [])
    engine = sa.create_engine(target, **options)
    moved: _MovedEngine | None = None
    if isinstance(original_bind, sa.Engine):
        # The app's own engine object moves to the test database, so that code using it
        # directly (not through the session) never reaches the configured one either.
        moved = _MovedEngine(original_bind)
        repoint_in_place(original_bind, engine)
        engine = original_bind
    database: Provisioned | None = None
    try:
        database = provision(
            target, engine, fingerprint, reuse=active.reuse_db, recreate=active.create_db
        )
        if not database.reused:
            metadata.create_all(engine)
        schema_built(database, fingerprint, reuse=active.reuse_db)
    except DBAPIError as exc:
        _give_up(engine, database, moved)
        raise unreachable(target, exc) from exc
    except SQLAlchemyError as exc:
        _give_up(engine, database, moved)
        raise ConfigurationError(
            f"could not create the test schema in {display(target)}: {one_line(exc)}. "
            "Fix the models named above."
        ) from exc
    # Sessions opened on the app's own database must not outlive the switch.
    _remove(session)
    factory.configure(bind=engine)
    _active.append(engine)
    try:
        yield engine
    finally:
        _active.remove(engine)
        _remove(session)
        factory.configure(bind=original_bind)
        try:
            release(database, reuse=active.reuse_db)
        finally:
            if moved is not None:
                moved.restore()


class _MovedEngine:
    """What an engine was on before it moved to the test database, to move it back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url, self.pool, self.dialect = engine.url, engine.pool, engine.dialect

    def restore(self) -> None:
        self.engine.dispose()
        self.engine.url, self.engine.pool, self.engine.dialect = self.url, self.pool, self.dialect
        self.engine.clear_compiled_cache()


def _give_up(engine: Engine, database: Provisioned | None, moved: _MovedEngine | None) -> None:
    try:
        if database is None:
            engine.dispose()
        else:
            release(database, reuse=False)
    finally:
        if moved is not None:
            moved.restore()


# Its name starts with "test": without this, a test module that imports it would collect it.
testing_engine.__test__ = False  # type: ignore[attr-defined]


@contextmanager
def isolated_session(session: Any) -> Iterator[Any]:
    """Yield the app's session (a new one from a sessionmaker); all it writes is rolled back."""
    engine = bound_engine(session)
    if engine is None:
        raise ConfigurationError(
            "isolated_session() needs a session factory bound to an engine: enter "
            "testing_engine(session, metadata) first (a session-scoped fixture is the usual place)."
        )
    _remove(session)
    with isolated_engines([engine]):
        # A sessionmaker has no session of its own to share: the block gets a new one.
        current = session if isinstance(session, scoped_session) else session()
        try:
            yield current
        finally:
            _remove(session)
            if current is not session:
                current.close()
