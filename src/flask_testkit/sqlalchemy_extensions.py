"""Find an app's Flask-SQLAlchemy-Lite or Alchemical extension, its engines, and repoint them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask_testkit.database import is_memory

if TYPE_CHECKING:
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


def target_urls(
    engines: dict[str | None, Engine], url: str | None, default_url: str | None
) -> dict[str | None, URL]:
    """Each engine's test URL: the one chosen (extra engines get `_<name>`), else a test copy."""
    from flask_testkit.targets import choose

    rule = choose(url, default_url)
    main = None if None in engines else "default" if "default" in engines else next(iter(engines))
    return {
        key: rule.url_for(None if key == main else str(key), engine.url)
        for key, engine in engines.items()
    }


def restart_lite(app: Flask, db: Any, urls: dict[str | None, URL]) -> None:
    """Rebuild a Lite app's engines on other URLs, keeping every other engine option."""
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


def point_alchemical(db: Any, urls: dict[str | None, URL]) -> None:
    """Give an Alchemical db other URLs; its engines are made again on first use."""
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


def schema_targets(
    db: Any, engines: dict[str | None, Engine], metadata: list[MetaData]
) -> list[tuple[MetaData, Engine]]:
    """Which metadata's tables go on which engine: Lite's session binds, Alchemical's bind keys."""
    if is_alchemical(db):
        return [(db.metadatas[key], engines[key]) for key in engines if key in db.metadatas]
    default = engines.get("default") or next(iter(engines.values()))
    binds = db.sessionmaker.kw.get("binds") or {}
    by_metadata = {id(getattr(base, "metadata", None)): engine for base, engine in binds.items()}
    return [(meta, by_metadata.get(id(meta), default)) for meta in metadata]
