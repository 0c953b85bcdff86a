"""A Flask-SQLAlchemy app's test database: where it lives, its schema, per-test isolation."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from flask_testkit import settings
from flask_testkit.database import display, is_memory, unreachable
from flask_testkit.errors import ConfigurationError, one_line
from flask_testkit.isolation import isolated_engines
from flask_testkit.marking import migration_files, schema_fingerprint
from flask_testkit.provisioning import Provisioned, provision, release, schema_built
from flask_testkit.repointing import (
    configured_urls,
    point_app_config,
    remember_configured,
    repoint_in_place,
    taken_over,
    test_databases_for_new_apps,
)
from flask_testkit.targets import choose
from flask_testkit.templates import TemplateCopies, template_of, templates_apply

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask
    from sqlalchemy.engine import URL, Engine
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


def _engine_options(app: Flask, db: Any, key: str | None) -> dict[str, Any]:
    """The options Flask-SQLAlchemy's init_app gives the engine of one bind."""
    options: dict[str, Any] = dict(db._engine_options)
    if key is None:
        options.update(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    else:
        value = (app.config.get("SQLALCHEMY_BINDS") or {}).get(key)
        if isinstance(value, dict):
            options.update(value)
    echo = app.config.get("SQLALCHEMY_ECHO", False)
    options.setdefault("echo", echo)
    options.setdefault("echo_pool", echo)
    return options


def _repoint(
    app: Flask, db: Any, engines: dict[str | None, Engine], urls: dict[str | None, URL]
) -> None:
    """Move the engines that are elsewhere onto their test URLs, each staying the same object."""
    moved = {key: url for key, url in urls.items() if engines[key].url != url}
    for key, url in moved.items():
        options = {**_engine_options(app, db, key), "url": url}
        db._apply_driver_defaults(options, app)
        repoint_in_place(engines[key], db._make_engine(key, options, app))
    point_app_config(app, moved)


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


@contextmanager
def apps_on_test_database(
    *, url: str | None = None, default_url: str | None = None
) -> Iterator[None]:
    """Inside the block, an app that calls `db.init_app(app)` gets engines on the test database.

    Wrap the import of a module that builds its app, or the factory call, in it: whatever the app
    does while it is built (`db.create_all()`, a first row) reaches the test database, never the
    configured one. The database is chosen as `testing_database` chooses it, which then takes
    the app over.
    """
    with test_databases_for_new_apps(choose(url, default_url), claim=True):
        yield


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
    else `default_url`, else a test copy of the app's configured one (`<name>_test`; the
    configured one itself with ini flask_db_use_configured). The engines stay the same objects.
    A database it creates is dropped at the end (kept with --reuse-db); in one that already
    existed, only the tables it created are dropped.
    """
    db = require_sqlalchemy(app, "testing_database()")
    active = settings.current()
    rule = choose(url, default_url)
    configured = configured_urls(app, db)
    engines = app_engines(app, db)
    urls = {key: rule.url_for(key, configured.get(key, e.url)) for key, e in engines.items()}
    remember_configured(app, configured)
    _repoint(app, db, engines, urls)
    migrate = migrations if migrations is not None else active.migrations
    migrate_folder = getattr(app.extensions.get("migrate"), "directory", None) if migrate else None
    fingerprint = schema_fingerprint(db.metadatas.values(), migration_files(migrate_folder))
    # The default bind first, so that a server that is down is reported under the URL the user
    # set; binds that share a URL share one database.
    ordered = sorted(engines.items(), key=lambda item: item[0] is not None)
    distinct: dict[object, Engine] = {}
    for _, engine in ordered:
        # Each in-memory engine is a database of its own, whatever its URL says.
        same = id(engine) if is_memory(engine.url) else engine.url.render_as_string(False)
        distinct.setdefault(same, engine)
    main_key, main_url = ordered[0][0], ordered[0][1].url
    databases: list[Provisioned] = []
    reuse = active.reuse_db
    copies: TemplateCopies | None = None
    if templates_apply(rule.worker, urls.values()):
        # Named after the un-suffixed test databases, which every worker derives alike.
        shared = replace(rule, worker=None)
        templates = {
            key: template_of(shared.url_for(key, configured.get(key, e.url)))
            for key, e in engines.items()
        }
        by_url = {urls[key]: template for key, template in templates.items()}
        copies = TemplateCopies(
            list(distinct.values()),
            [by_url[engine.url] for engine in distinct.values()],
            fingerprint,
            reuse=reuse,
            recreate=active.create_db,
        )
    try:
        copied = None
        if copies is not None:
            for engine in distinct.values():
                taken_over(engine.url)  # the copy replaces what the factory was given
            copied = copies.provision(
                lambda: _build_in(app, db, engines, templates, urls, migrate, main_key)
            )
        if copied is not None:
            databases.extend(copied)
        else:
            for engine in distinct.values():
                databases.append(_provision(engine, fingerprint, reuse, active.create_db))
            if not all(database.reused for database in databases):
                for n, database in enumerate(databases):
                    if database.reused:  # one bind's schema changed: build them all again
                        databases[n] = _provision(database.engine, fingerprint, reuse, True)
                with app.app_context():
                    _build_schema(app, db, migrate, main_url)
        for database in databases:
            schema_built(database, fingerprint, reuse=reuse)
        with test_databases_for_new_apps(rule):
            yield db
    finally:
        with app.app_context():
            db.session.remove()
        for engine in engines.values():
            engine.dispose()
        try:
            for database in databases:
                release(database, reuse=reuse)
        finally:
            if copies is not None:
                copies.finish()


def _provision(engine: Engine, fingerprint: str, reuse: bool, recreate: bool) -> Provisioned:
    if taken_over(engine.url) and not recreate:
        # Created (and marked) for this app a moment ago, before its factory went on.
        return Provisioned(engine.url, engine, created=True)
    try:
        return provision(engine.url, engine, fingerprint, reuse=reuse, recreate=recreate)
    except SQLAlchemyError as exc:
        raise unreachable(engine.url, exc) from exc


def _build_in(
    app: Flask,
    db: Any,
    engines: dict[str | None, Engine],
    templates: dict[str | None, URL],
    urls: dict[str | None, URL],
    migrations: bool,
    main_key: str | None,
) -> None:
    """Build the schema in the templates, then move the engines back to this worker's copies."""
    _repoint(app, db, engines, templates)
    try:
        with app.app_context():
            _build_schema(app, db, migrations, templates[main_key])
    finally:
        # Moving away disposes the pools on the templates: PostgreSQL copies no database that
        # has a session connected.
        _repoint(app, db, engines, urls)


def _build_schema(app: Flask, db: Any, migrations: bool, main_url: URL) -> None:
    try:
        _create_schema(app, db, migrations)
    except DBAPIError as exc:
        raise unreachable(main_url, exc) from exc
    except SQLAlchemyError as exc:
        raise ConfigurationError(
            f"could not create the test schema in {display(main_url)}: {one_line(exc)}. "
            "Fix the models (or migrations) named above."
        ) from exc


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
def isolated_app(app: Flask, db: Any, *, level: str | None = None) -> Iterator[None]:
    """Roll back everything the app writes to any of its binds inside the block."""
    engines = app_engines(app, db).values()
    _remove_current_session(app, db)
    with isolated_engines(engines, level=level):
        try:
            yield
        finally:
            _remove_current_session(app, db)
