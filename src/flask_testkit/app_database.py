"""A Flask-SQLAlchemy app's test database: where it lives, its schema, per-test isolation."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from flask_testkit import settings
from flask_testkit.database import (
    create_database,
    display,
    drop_database,
    drop_tables_made_since,
    parse,
    table_names,
    unreachable,
    with_suffix,
    xdist_worker,
)
from flask_testkit.errors import ConfigurationError, one_line
from flask_testkit.isolation import isolated_engines

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import scoped_session


def sqlalchemy_of(app: Flask) -> Any | None:
    """The app's Flask-SQLAlchemy extension, or None when it has none."""
    db = app.extensions.get("sqlalchemy")
    # Flask-SQLAlchemy-Lite registers under the same name; lite_database.py handles it.
    return db if db is None or type(db).__module__.split(".")[0] == "flask_sqlalchemy" else None


def require_sqlalchemy(app: Flask, needed_by: str) -> Any:
    """The app's Flask-SQLAlchemy extension, or a one-line error naming what needed it."""
    db = sqlalchemy_of(app)
    if db is None:
        raise ConfigurationError(
            f"{needed_by} needs Flask-SQLAlchemy, but the app {app.name!r} has none registered. "
            "Call db.init_app(app) in your app factory, or drop the fixture from the test."
        )
    return db


def app_engines(app: Flask, db: Any) -> dict[str | None, Engine]:
    """The app's engines by bind key."""
    with app.app_context():
        return dict(db.engines)


def _target_urls(
    engines: dict[str | None, Engine], override: str | None, source: str
) -> dict[str | None, URL]:
    worker = xdist_worker()
    if override:
        base = parse(override, source)
        return {
            key: with_suffix(base if key is None else with_suffix(base, str(key)), worker)
            for key in engines
        }
    return {key: with_suffix(engine.url, worker) for key, engine in engines.items()}


def _repoint(app: Flask, db: Any, urls: dict[str | None, URL]) -> None:
    """Rebuild the app's engines on other URLs, keeping every other engine option."""
    as_text = {key: url.render_as_string(hide_password=False) for key, url in urls.items()}
    if None in as_text:
        app.config["SQLALCHEMY_DATABASE_URI"] = as_text[None]
    binds = dict(app.config.get("SQLALCHEMY_BINDS") or {})
    for key, url in as_text.items():
        if key is not None:
            value = binds.get(key)
            binds[key] = {**value, "url": url} if isinstance(value, dict) else url
    app.config["SQLALCHEMY_BINDS"] = binds
    # init_app is the only public way to rebuild the engines from config; it also registers its
    # teardown and shell hooks again, which the app already has.
    teardown = list(app.teardown_appcontext_funcs)
    shell = list(app.shell_context_processors)
    del app.extensions["sqlalchemy"]
    db.init_app(app)
    app.teardown_appcontext_funcs[:] = teardown
    app.shell_context_processors[:] = shell


def _create_schema(app: Flask, db: Any, migrations: bool) -> None:
    if not migrations:
        db.create_all()
        return
    if "migrate" not in app.extensions:
        raise ConfigurationError(
            "flask_db_migrations is on, but the app has no Flask-Migrate. Call "
            "Migrate(app, db) in the factory, or turn the setting off to use create_all()."
        )
    from flask_migrate import upgrade

    upgrade()


def _table_names(engines: dict[str | None, Engine]) -> dict[str | None, set[str]]:
    return {key: table_names(engine) for key, engine in engines.items()}


def _drop_tables_made_since(
    engines: dict[str | None, Engine], before: dict[str | None, set[str]]
) -> None:
    """Drop the tables the run created, and only those: an existing database stays as it was."""
    for key, engine in engines.items():
        drop_tables_made_since(engine, before[key])


@contextmanager
def testing_database(
    app: Flask,
    *,
    url: str | None = None,
    default_url: str | None = None,
    migrations: bool | None = None,
) -> Iterator[Any]:
    """Point the app at the test database, create its schema, and remove what it made on exit.

    The database is `url`, else the run's setting (--db-url, TEST_DATABASE_URL, ini flask_db_url),
    else `default_url`, else the app's own config. A database it creates is dropped at the end;
    in one that already existed, only the tables it created are dropped.
    """
    db = require_sqlalchemy(app, "testing_database()")
    active = settings.current()
    chosen, source = url, "the url argument"
    if not chosen and active.db_url.value:
        chosen, source = active.db_url.value, active.db_url.source
    if not chosen and default_url:
        chosen, source = default_url, "the default_url argument"
    engines = app_engines(app, db)
    urls = _target_urls(engines, chosen, source)
    if any(urls[key] != engine.url for key, engine in engines.items()):
        _repoint(app, db, urls)
        engines = app_engines(app, db)
    # The default bind first, so that a server that is down is reported under the URL the user set.
    ordered = sorted(engines.items(), key=lambda item: item[0] is not None)
    created = {key for key, engine in ordered if create_database(engine.url)}
    kept = {key: engine for key, engine in engines.items() if key not in created}
    main_url = ordered[0][1].url
    try:
        before = _table_names(kept)
    except SQLAlchemyError as exc:
        raise unreachable(main_url, exc) from exc
    try:
        with app.app_context():
            try:
                _create_schema(app, db, active.migrations if migrations is None else migrations)
            except DBAPIError as exc:
                raise unreachable(main_url, exc) from exc
            except SQLAlchemyError as exc:
                raise ConfigurationError(
                    f"could not create the test schema in {display(main_url)}: {one_line(exc)}. "
                    "Fix the models (or migrations) named above."
                ) from exc
        yield db
    finally:
        with app.app_context():
            db.session.remove()
            _drop_tables_made_since(kept, before)
            for engine in engines.values():
                engine.dispose()
        for key in created:
            drop_database(engines[key].url)


# Its name starts with "test": without this, a test module that imports it would collect it.
testing_database.__test__ = False  # type: ignore[attr-defined]


def _remove_current_session(app: Flask, db: Any) -> None:
    # A session opened before (or left after) the block would hold a connection outside it.
    if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
        db.session.remove()


@contextmanager
def isolated_database(db: Any) -> Iterator[scoped_session[Any]]:
    """Yield the app's own `db.session`; everything written inside the block is rolled back."""
    if not has_app_context():
        raise ConfigurationError(
            "isolated_database() needs an app context: use it inside `with app.app_context():`."
        )
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    with isolated_app(app, db):
        yield db.session


@contextmanager
def isolated_app(app: Flask, db: Any) -> Iterator[None]:
    """Roll back everything the app writes to any of its binds inside the block."""
    engines = app_engines(app, db).values()
    _remove_current_session(app, db)
    with isolated_engines(engines):
        try:
            yield
        finally:
            _remove_current_session(app, db)
