"""Apps on Flask-SQLAlchemy-Lite or Alchemical: their test database and per-test isolation."""

from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app, g, has_app_context
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from flask_testkit import settings
from flask_testkit.database import (
    create_database,
    display,
    drop_database,
    drop_tables_made_since,
    is_memory,
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
    from sqlalchemy import MetaData
    from sqlalchemy.engine import URL, Engine

LITE = "Flask-SQLAlchemy-Lite"
ALCHEMICAL = "Alchemical"


def is_lite(db: object) -> bool:
    """Whether db is a Flask-SQLAlchemy-Lite extension (it registers as "sqlalchemy" too)."""
    return type(db).__module__.split(".")[0] == "flask_sqlalchemy_lite"


def is_alchemical(db: object) -> bool:
    """Whether db is an Alchemical instance (its asyncio variant is not isolated)."""
    if not any(klass.__module__.split(".")[0] == "alchemical" for klass in type(db).__mro__):
        return False
    is_async = getattr(db, "is_async", None)
    return callable(is_async) and not is_async()


def extension_of(app: Flask) -> tuple[str, Any] | None:
    """The app's Flask-SQLAlchemy-Lite or Alchemical instance, with the library's name."""
    registered = app.extensions.get("sqlalchemy")
    if registered is not None and is_lite(registered):
        return LITE, registered
    # Alchemical keeps no per-app state: its instance lives in one of the app's modules.
    for module in _app_modules(app):
        for value in list(vars(module).values()):
            if is_alchemical(value) and not isinstance(value, type):
                return ALCHEMICAL, value
    return None


def _app_modules(app: Flask) -> list[Any]:
    root = Path(app.root_path).resolve()
    found = []
    for name, module in sorted(sys.modules.items()):
        path = Path(getattr(module, "__file__", None) or "/")
        installed = ".venv" in path.parts or "site-packages" in path.parts
        if not name.startswith("_") and not installed and path.resolve().is_relative_to(root):
            found.append(module)
    return found


def engines_of(app: Flask, db: Any) -> dict[str | None, Engine]:
    """The engines of a Lite or Alchemical app, by name."""
    if is_alchemical(db):
        db.get_engine()
        return dict(db.engines or {})
    with app.app_context():
        return dict(db.engines)


def app_metadata(app: Flask) -> list[MetaData]:
    """The metadata of every declarative base whose mapped classes live in the app's folder."""
    from sqlalchemy.orm import registry

    found: dict[int, MetaData] = {}
    for module in _app_modules(app):
        for value in list(vars(module).values()):
            if not isinstance(value, type):
                continue
            own = vars(value).get("registry")
            if isinstance(own, registry) and own.mappers:
                found.setdefault(id(own.metadata), own.metadata)
    return list(found.values())


def _target_urls(
    engines: dict[str | None, Engine], url: str | None, default_url: str | None
) -> dict[str | None, URL]:
    active = settings.current()
    chosen, source = url, "the url argument"
    if not chosen and active.db_url.value:
        chosen, source = active.db_url.value, active.db_url.source
    if not chosen and default_url:
        chosen, source = default_url, "the default_url argument"
    worker = xdist_worker()
    if not chosen:
        return {key: with_suffix(engine.url, worker) for key, engine in engines.items()}
    base = parse(chosen, source)
    main = None if None in engines else "default" if "default" in engines else next(iter(engines))
    return {
        key: with_suffix(base if key == main else with_suffix(base, str(key)), worker)
        for key in engines
    }


def _restart_lite(app: Flask, db: Any, urls: dict[str | None, URL]) -> None:
    configured = dict(app.config.get("SQLALCHEMY_ENGINES") or {})
    for key, url in urls.items():
        text = url.render_as_string(hide_password=False)
        value = configured.get(key)
        configured[key] = {**value, "url": text} if isinstance(value, dict) else text
    app.config["SQLALCHEMY_ENGINES"] = configured
    # init_app is the public way to rebuild engines from config; its hooks are already there.
    teardown = list(app.teardown_appcontext_funcs)
    shell = list(app.shell_context_processors)
    del app.extensions["sqlalchemy"]
    db.init_app(app)
    app.teardown_appcontext_funcs[:] = teardown
    app.shell_context_processors[:] = shell


def _point_alchemical(db: Any, urls: dict[str | None, URL]) -> None:
    text = {key: url.render_as_string(hide_password=False) for key, url in urls.items()}
    db.url = text.get(None)
    db.binds = {key: value for key, value in text.items() if key is not None} or None
    if any(is_memory(url) for url in urls.values()) and not callable(db.engine_options):
        from sqlalchemy.pool import StaticPool

        # One in-memory database that every connection and thread shares, as Lite does.
        db.engine_options = {
            **db.engine_options,
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False},
        }
    db.engines = db.session_class = db.table_binds = None


def _schema_targets(
    db: Any, engines: dict[str | None, Engine], metadata: list[MetaData]
) -> list[tuple[MetaData, Engine]]:
    if is_alchemical(db):
        return [(db.metadatas[key], engines[key]) for key in engines if key in db.metadatas]
    default = engines.get("default") or next(iter(engines.values()))
    binds = db.sessionmaker.kw.get("binds") or {}
    by_metadata = {id(getattr(base, "metadata", None)): engine for base, engine in binds.items()}
    return [(meta, by_metadata.get(id(meta), default)) for meta in metadata]


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
    urls = _target_urls(engines, url, default_url)
    if any(urls[key] != engine.url for key, engine in engines.items()):
        for engine in engines.values():
            engine.dispose()
        if lite:
            _restart_lite(app, db, urls)
        else:
            _point_alchemical(db, urls)
        engines = engines_of(app, db)
    created = {key for key, engine in engines.items() if create_database(engine.url)}
    kept = {key: engine for key, engine in engines.items() if key not in created}
    main_url = next(iter(engines.values())).url
    try:
        before = {key: table_names(engine) for key, engine in kept.items()}
        with app.app_context():
            for meta, engine in _schema_targets(db, engines, metadata):
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
def isolated_extension(app: Flask, db: Any) -> Iterator[None]:
    """Roll back everything a Lite or Alchemical app writes to any of its engines in the block."""
    engines = engines_of(app, db).values()
    _close_sessions(db)
    with isolated_engines(engines):
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
