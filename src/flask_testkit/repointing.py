"""Point a Flask-SQLAlchemy app at its test database: before its engines exist, or in place."""

from __future__ import annotations

import os
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from flask_testkit.database import create_database, database_exists, is_memory
from flask_testkit.errors import ConfigurationError
from flask_testkit.marking import drop_created, mark_created

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from flask import Flask
    from sqlalchemy.engine import URL, Engine

    from flask_testkit.targets import TestDatabases

# The configured URL of each bind, for the apps whose engines were made on test URLs from the
# start: what the tests would have reached, and what the test URLs were derived from.
_configured: WeakKeyDictionary[Flask, dict[str | None, URL]] = WeakKeyDictionary()
_rules: list[tuple[TestDatabases, bool]] = []
_original_init_app: Callable[..., None] | None = None


def configured_urls(app: Flask, db: Any) -> dict[str | None, URL]:
    """The URL each bind of the app is configured with, before the plugin pointed it elsewhere."""
    if app in _configured:
        return dict(_configured[app])
    with app.app_context():
        return {key: engine.url for key, engine in db.engines.items()}


def remember_configured(app: Flask, configured: dict[str | None, URL]) -> None:
    """Keep what the app was configured with, once its engines point elsewhere."""
    _configured.setdefault(app, dict(configured))


def _resolved(db: Any, app: Flask, value: Any) -> URL:
    url = make_url(value)
    if url.get_backend_name() == "sqlite" and not url.query.get("uri"):
        # Flask-SQLAlchemy makes a relative path relative to the instance folder, and creates
        # that folder as it does; the configured file is only named here, never made.
        if url.database and url.database != ":memory:" and not os.path.isabs(url.database):
            return url.set(database=os.path.join(app.instance_path, url.database))
        return url
    options = {"url": value}
    db._apply_driver_defaults(options, app)
    return make_url(options["url"])


def _point_config(db: Any, app: Flask, rule: TestDatabases, claim: bool) -> None:
    """Rewrite the URLs in the app's config to the test databases, before init_app reads them."""
    configured: dict[str | None, URL] = {}
    config = app.config
    uri = config.get("SQLALCHEMY_DATABASE_URI")
    if uri:
        configured[None] = _resolved(db, app, uri)
        config["SQLALCHEMY_DATABASE_URI"] = _text(rule.url_for(None, configured[None]))
    binds = dict(config.get("SQLALCHEMY_BINDS") or {})
    for key, value in binds.items():
        url = value.get("url") if isinstance(value, dict) else value
        if url is None:
            continue
        configured[key] = _resolved(db, app, url)
        target = _text(rule.url_for(key, configured[key]))
        binds[key] = {**value, "url": target} if isinstance(value, dict) else target
    if binds:
        # A new dict: the old one may be shared with a config class or another app.
        config["SQLALCHEMY_BINDS"] = binds
    _configured[app] = configured
    if claim:
        for key, url in configured.items():
            _claim(rule.url_for(key, url))


def _claim(url: URL) -> None:
    """Create and mark a missing test database before the factory can connect to it.

    A factory that runs `db.create_all()` would otherwise make the file (or fill the database)
    first, and the run would take it for one of the user's that it must keep.
    """
    if is_memory(url):
        return
    try:
        if not database_exists(url) and create_database(url):
            mark_created(url, None)
            _claimed[url.render_as_string(hide_password=False)] = url
    except (ConfigurationError, SQLAlchemyError):
        # testing_database() reports a database it cannot reach, in its own words.
        pass


# Test databases created for an app before testing_database() took them over: dropped at the end
# of the run if no test ever used that app (a run of other tests, --collect-only).
_claimed: dict[str, URL] = {}


def taken_over(url: URL) -> bool:
    """testing_database() owns this database from now on; True if this run just created it."""
    return _claimed.pop(url.render_as_string(hide_password=False), None) is not None


def drop_unused_claims() -> None:
    """Drop the test databases that were made for an app no test used."""
    while _claimed:
        _, url = _claimed.popitem()
        # The end of a run must not fail on a server gone away.
        with suppress(SQLAlchemyError):
            drop_created(url)


def _init_app_on_test_databases(db: Any, app: Flask) -> None:
    if _rules and "sqlalchemy" not in app.extensions and app not in _configured:
        _point_config(db, app, *_rules[-1])
    assert _original_init_app is not None
    _original_init_app(db, app)


@contextmanager
def test_databases_for_new_apps(rule: TestDatabases, *, claim: bool = False) -> Iterator[None]:
    """Inside the block, every app that calls `db.init_app(app)` gets its engines on test URLs.

    With `claim`, the missing test databases are created (and marked) before the factory goes on.
    """
    global _original_init_app
    try:
        from flask_sqlalchemy import SQLAlchemy
    except ImportError:  # a plain SQLAlchemy app: nothing to redirect
        yield
        return
    if not _rules:
        _original_init_app = SQLAlchemy.init_app
        SQLAlchemy.init_app = _init_app_on_test_databases  # type: ignore[method-assign,assignment]
    entry = (rule, claim)
    _rules.append(entry)
    try:
        yield
    finally:
        _rules.remove(entry)
        if not _rules and _original_init_app is not None:
            SQLAlchemy.init_app = _original_init_app  # type: ignore[method-assign]
            _original_init_app = None


# Its name starts with "test": without this, a test module that imports it would collect it.
test_databases_for_new_apps.__test__ = False  # type: ignore[attr-defined]


def point_app_config(app: Flask, urls: dict[str | None, URL]) -> None:
    """Make the app's config name the test URLs, for code that reads it after the engines."""
    if None in urls:
        app.config["SQLALCHEMY_DATABASE_URI"] = _text(urls[None])
    binds = dict(app.config.get("SQLALCHEMY_BINDS") or {})
    for key, url in urls.items():
        if key is not None:
            value = binds.get(key)
            binds[key] = {**value, "url": _text(url)} if isinstance(value, dict) else _text(url)
    if binds:
        app.config["SQLALCHEMY_BINDS"] = binds


def repoint_in_place(engine: Engine, donor: Engine) -> None:
    """Move `engine` onto the donor's database; it stays the same object, listeners and all.

    The donor, made with the app's own engine options for the test URL, lends its pool and
    dialect. The listeners the app attached to the old pool and dialect move with them; the
    connection events live on the engine itself and stay.
    """
    old_pool, old_dialect = engine.pool, engine.dialect
    _copy_listeners(old_pool, donor.pool)
    _copy_listeners(old_dialect, donor.dialect)
    engine.url = donor.url
    engine.dialect = donor.dialect
    engine.pool = donor.pool
    engine.clear_compiled_cache()
    old_pool.dispose()


def _copy_listeners(source: Any, target: Any) -> None:
    for name in source.dispatch._event_names:
        # Instance-level listeners only: the class-level ones already apply to the target.
        for listener in list(getattr(source.dispatch, name).listeners):
            # create_engine's own (first-connect setup, the dialect's on-connect hooks) belong
            # to the old URL's dialect; the donor has its own.
            if getattr(listener, "__module__", "").startswith("sqlalchemy."):
                continue
            event.listen(target, name, listener)


def _text(url: URL) -> str:
    return url.render_as_string(hide_password=False)
