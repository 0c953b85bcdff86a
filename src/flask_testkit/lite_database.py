"""Apps on Flask-SQLAlchemy-Lite or Alchemical: their test database and per-test isolation."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from flask import current_app, g, has_app_context
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from flask_testkit.database import (
    create_database,
    display,
    drop_database,
    drop_tables_made_since,
    table_names,
    unreachable,
)
from flask_testkit.errors import ConfigurationError, one_line
from flask_testkit.isolation import isolated_engines
from flask_testkit.sqlalchemy_extensions import (
    LITE,
    app_metadata,
    engines_of,
    extension_of,
    is_alchemical,
    is_lite,
    point_alchemical,
    restart_lite,
    schema_targets,
    target_urls,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask
    from sqlalchemy import MetaData
    from sqlalchemy.engine import Engine


@contextmanager
def _testing(
    app: Flask,
    db: Any,
    metadata: list[MetaData],
    url: str | None,
    default_url: str | None,
) -> Iterator[dict[str | None, Engine]]:
    lite = is_lite(db)
    # Alchemical's state is global, not per app: it gets its own URLs back on exit.
    originals = None if lite else (db.url, db.binds, db.engine_options)
    engines = engines_of(app, db)
    urls = target_urls(engines, url, default_url)
    if any(urls[key] != engine.url for key, engine in engines.items()):
        for engine in engines.values():
            engine.dispose()
        if lite:
            restart_lite(app, db, urls)
        else:
            point_alchemical(db, urls)
        engines = engines_of(app, db)
    created = {key for key, engine in engines.items() if create_database(engine.url)}
    kept = {key: engine for key, engine in engines.items() if key not in created}
    main_url = next(iter(engines.values())).url
    try:
        before = {key: table_names(engine) for key, engine in kept.items()}
        with app.app_context():
            for meta, engine in schema_targets(db, engines, metadata):
                meta.create_all(engine)
    except DBAPIError as exc:
        raise unreachable(main_url, exc) from exc
    except SQLAlchemyError as exc:
        raise ConfigurationError(
            f"could not create the test schema in {display(main_url)}: {one_line(exc)}. "
            "Fix the models named above."
        ) from exc
    _active.append((app, db))
    try:
        yield engines
    finally:
        _active.remove((app, db))
        for key, engine in kept.items():
            drop_tables_made_since(engine, before[key])
        for engine in engines.values():
            engine.dispose()
        for key in created:
            drop_database(engines[key].url)
        if originals is not None:
            db.url, db.binds, db.engine_options = originals
            db.engines = db.session_class = db.table_binds = None


# The (app, db) pairs whose test database is open: the plugin isolates them around each test.
_active: list[tuple[Any, Any]] = []


def active_extension(app: Flask) -> Any | None:
    """The Lite or Alchemical db whose test database is open for this app, if any."""
    return next((db for owner, db in _active if owner is app), None)


@contextmanager
def testing_lite_database(
    app: Flask,
    metadata: MetaData | list[MetaData] | None = None,
    *,
    url: str | None = None,
    default_url: str | None = None,
) -> Iterator[Any]:
    """Point a Flask-SQLAlchemy-Lite app at the test database and create the models' tables.

    `metadata` defaults to that of every declarative base mapped in the app's folder. The database
    is `url`, else the run's setting, else `default_url`, else the app's SQLALCHEMY_ENGINES.
    """
    db = app.extensions.get("sqlalchemy")
    if db is None or not is_lite(db):
        raise ConfigurationError(
            f"testing_lite_database() needs Flask-SQLAlchemy-Lite, but the app {app.name!r} has "
            "none registered. Call db.init_app(app) in your app factory."
        )
    if app.config.get("SQLALCHEMY_ASYNC_ENGINES"):
        # Tests would reach the app's own database through them: refuse rather than half-isolate.
        raise ConfigurationError(
            "flask-testkit does not isolate Flask-SQLAlchemy-Lite's async engines "
            f"(SQLALCHEMY_ASYNC_ENGINES) of the app {app.name!r}. Leave them out of the testing "
            "configuration, or test the app without the database fixtures."
        )
    if metadata is None:
        metadatas = app_metadata(app)
    else:
        metadatas = metadata if isinstance(metadata, list) else [metadata]
    with _testing(app, db, metadatas, url, default_url):
        yield db


testing_lite_database.__test__ = False  # type: ignore[attr-defined]


@contextmanager
def testing_alchemical(
    app: Flask, db: Any, *, url: str | None = None, default_url: str | None = None
) -> Iterator[Any]:
    """Point an Alchemical db at the test database and create its tables; restore it on exit."""
    if not is_alchemical(db):
        raise ConfigurationError(
            f"testing_alchemical() needs the app's Alchemical instance, got {type(db).__name__}."
        )
    with _testing(app, db, [], url, default_url):
        yield db


testing_alchemical.__test__ = False  # type: ignore[attr-defined]


def _close_sessions(db: Any) -> None:
    # A session opened before (or left after) the block would hold a connection outside it.
    if not has_app_context():
        return
    if is_alchemical(db):
        session = g.pop("alchemical_session", None)
        if session is not None:
            session.close()
        return
    for session in g.pop("_sqlalchemy_sessions", {}).values():
        session.close()


@contextmanager
def isolated_extension(app: Flask, db: Any, *, level: str | None = None) -> Iterator[None]:
    """Roll back everything a Lite or Alchemical app writes to any of its engines in the block."""
    engines = engines_of(app, db).values()
    _close_sessions(db)
    with isolated_engines(engines, level=level):
        try:
            yield
        finally:
            _close_sessions(db)


@contextmanager
def isolated_lite_database(db: Any) -> Iterator[Any]:
    """Yield the app's `db.session` (Lite or Alchemical); all it writes is rolled back."""
    if not has_app_context():
        raise ConfigurationError(
            "isolated_lite_database() needs an app context: use it inside "
            "`with app.app_context():`."
        )
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    with isolated_extension(app, db):
        yield db.session


isolated_alchemical = isolated_lite_database


def start_extension_database(stack: ExitStack, app: Flask) -> None:
    """Open the test database of a Lite or Alchemical app for the plugin's `app` fixture."""
    found = extension_of(app)
    if found is None:
        return
    name, db = found
    if name == LITE:
        stack.enter_context(testing_lite_database(app))
    else:
        stack.enter_context(testing_alchemical(app, db))
