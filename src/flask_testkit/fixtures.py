"""The plugin's public fixtures: `app`, `client`, `runner`, `db_session` and query assertions."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

from flask_testkit.app_database import (
    isolated_app,
    isolated_database,
    require_sqlalchemy,
    sqlalchemy_of,
    testing_database,
)
from flask_testkit.data_scopes import check_no_open_block, database_of
from flask_testkit.isolation import isolated_engines, scope_active
from flask_testkit.lite_database import (
    active_extension,
    isolated_extension,
    isolated_lite_database,
    start_extension_database,
)
from flask_testkit.loading import configured_app, settings_of
from flask_testkit.queries import n_plus_one_assertion, query_assertion
from flask_testkit.session_database import active_engines

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from flask import Flask
    from flask.testing import FlaskClient, FlaskCliRunner
    from sqlalchemy.orm import scoped_session


@pytest.fixture(scope="session")
def app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The Flask app under test (setting `flask_app`), on a fresh test database.

    Built once per run from `--flask-app`, `$FLASK_APP` or ini `flask_app`, in Flask's `--app`
    syntax. Every bind of its Flask-SQLAlchemy, Flask-SQLAlchemy-Lite or Alchemical extension is
    pointed at the test database before its engines are made; the schema is created at the start
    of the run and what the run created is dropped at the end. Any test that uses it, directly or
    through another fixture, is rolled back when it ends.
    """
    with ExitStack() as stack:
        flask_app = configured_app(request.config)
        start_extension_database(stack, flask_app)
        if sqlalchemy_of(flask_app) is not None:
            stack.enter_context(testing_database(flask_app))
        yield flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Flask's test client for the app.

    A new `app.test_client()` for each test. Each request gets an app context of its own, unless
    the test holds one open (`db_session` does), in which case requests share it.
    """
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Flask's runner for the app's CLI commands.

    `app.test_cli_runner()`: `runner.invoke(args=["create-admin"])` runs a command of the app in
    the test's rolled-back database.
    """
    return app.test_cli_runner()


@pytest.fixture
def db_session(request: pytest.FixtureRequest, app: Flask) -> Iterator[scoped_session[Any]]:
    """The app's own `db.session` in an app context; everything the test writes is rolled back.

    An app context is pushed for the whole test, and the session is the extension's own scoped
    session, not a copy, so factories bound to `db.session` and views write through the same one.
    Commits, in the test or in a view, become savepoints of one transaction that is rolled back
    when the test ends.
    """
    extension = active_extension(app)
    if extension is not None:
        with app.app_context(), isolated_lite_database(extension) as session:
            yield session
        return
    db = require_sqlalchemy(app, "The db_session fixture")
    with app.app_context(), isolated_database(db) as session:
        yield session


def uses_plugin_app(request: pytest.FixtureRequest) -> bool:
    """Whether the test's `app` is this plugin's fixture, not one of the user's conftest."""
    definitions = request.node._fixtureinfo.name2fixturedefs.get("app")
    if not definitions:
        return False
    return getattr(definitions[-1].func, "__module__", None) == __name__


def wants_isolation(request: pytest.FixtureRequest) -> bool:
    """The autouse rule: the plugin's own `app`, the `flask_db` marker, or ini isolate-all."""
    if request.node.get_closest_marker("flask_db") is not None:
        return True
    if "app" not in request.fixturenames:
        return False
    return uses_plugin_app(request) or settings_of(request.config).isolate_all


@pytest.fixture(autouse=True)
def _flask_testkit_isolation(request: pytest.FixtureRequest) -> Iterator[None]:
    """Roll back the database after every test on the plugin's app, or that opted in."""
    # A suite with an `app` fixture of its own is left as it was without the plugin, unless it
    # asks (marker or ini key): installing the plugin must not change how its tests behave.
    # Rows of a scope (scoped_data) are there for every test in it: each one gets a level.
    if not wants_isolation(request) and not scope_active():
        yield
        return
    check_no_open_block()
    flask_app: Flask = request.getfixturevalue("app")
    extension = active_extension(flask_app)
    if extension is not None:
        with isolated_extension(flask_app, extension, level="test"):
            yield
        return
    db = sqlalchemy_of(flask_app)
    if db is not None:
        with isolated_app(flask_app, db, level="test"):
            yield
        return
    # A plain SQLAlchemy app: the engines its session factory was bound to by testing_engine().
    with isolated_engines(active_engines(), level="test"):
        yield


def _engines_of(app: Flask) -> Callable[[], list[Any]]:
    return lambda: database_of(app, "Query assertions")[1]


@pytest.fixture
def assert_num_queries(app: Flask) -> Callable[[int], Any]:
    """Context manager: fail unless exactly `n` SQL statements run inside it.

    `with assert_num_queries(2): client.get("/users/")` counts the statements sent on every engine
    of the app. A failure lists them grouped by shape, with the line of the app that sent each and
    a note on any N+1. The isolation's own SAVEPOINT statements are not counted.
    """
    return query_assertion(_engines_of(app), exact=True)


@pytest.fixture
def assert_max_queries(app: Flask) -> Callable[[int], Any]:
    """Context manager: fail when more than `n` SQL statements run inside it.

    The upper-bound form of `assert_num_queries`, with the same report when it fails.
    """
    return query_assertion(_engines_of(app), exact=False)


@pytest.fixture
def assert_no_n_plus_one(app: Flask) -> Callable[..., Any]:
    """Context manager: fail when one statement runs more than twice with other parameters.

    `with assert_no_n_plus_one(): ...`, or `assert_no_n_plus_one(max_repeats=5)` to allow more.
    A statement's shape ignores its parameters, and an `IN (...)` list counts as one value.
    """
    return n_plus_one_assertion(_engines_of(app))


__all__ = [
    "app",
    "assert_max_queries",
    "assert_no_n_plus_one",
    "assert_num_queries",
    "client",
    "db_session",
    "runner",
]
