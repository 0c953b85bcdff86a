"""pytest hooks: options, ini keys, settings and the run header."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from flask_testkit import settings
from flask_testkit.app_database import sqlalchemy_of
from flask_testkit.database import display
from flask_testkit.errors import ConfigurationError, one_line_failure
from flask_testkit.fixtures import (  # noqa: F401  (fixtures are registered by being here)
    _flask_testkit_isolation,
    app,
    assert_max_queries,
    assert_num_queries,
    client,
    db_session,
    runner,
)
from flask_testkit.loading import configured_app, remember_settings, settings_of

if TYPE_CHECKING:
    from collections.abc import Generator

# Endpoint coverage is a plugin of its own, loaded with this one.
pytest_plugins = ["flask_testkit.endpoint_coverage.plugin", "flask_testkit.marker"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("flask-testkit", "Flask app and test database")
    group.addoption(
        settings.APP_OPTION,
        dest="flask_app",
        metavar="IMPORT",
        help="The app under test, in Flask's --app syntax, e.g. 'app:create_app(\"testing\")'. "
        f"Overrides ${settings.APP_ENV} and ini {settings.APP_INI}.",
    )
    group.addoption(
        settings.DB_URL_OPTION,
        dest="flask_db_url",
        metavar="URL",
        help="Run every test on this database instead of the app's configured one. "
        f"Overrides ${settings.DB_URL_ENV} and ini {settings.DB_URL_INI}.",
    )
    group.addoption(
        settings.MIGRATIONS_OPTION,
        dest="flask_db_migrations",
        action="store_true",
        default=False,
        help="Build the test schema with the app's Flask-Migrate migrations, not create_all().",
    )
    parser.addini(settings.APP_INI, "The app under test, in Flask's --app syntax.")
    parser.addini(settings.DB_URL_INI, "The database URL that every test runs on.")
    parser.addini(
        settings.MIGRATIONS_INI,
        "Build the test schema with Flask-Migrate migrations (true/false).",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    settings.push(remember_settings(config))


def pytest_unconfigure(config: pytest.Config) -> None:
    settings.pop()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    """Show a misconfiguration as its one line, in our fixtures and in the user's alike."""
    try:
        return (yield)
    except ConfigurationError as exc:
        message = str(exc)
    # Made outside the except block, so that no chained traceback is printed with it.
    failure = one_line_failure(message)
    cached = fixturedef.cached_result
    if isinstance(cached, tuple) and len(cached) == 3 and cached[2] is not None:
        # Later tests that share a failed session fixture re-raise what is cached: cache the line.
        fixturedef.cached_result = (None, cached[1], (failure, None))
    raise failure


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    resolved = settings_of(config)
    if not resolved.app and not resolved.db_url:
        return None
    lines = []
    if resolved.app:
        lines.append(f"flask-testkit: app {resolved.app.value} (from {resolved.app.source})")
    if resolved.db_url.value:
        database = f"{display(resolved.db_url.value)} (from {resolved.db_url.source})"
        if getattr(config.option, "numprocesses", None) and "memory" not in database:
            database += ", one copy per xdist worker (_gw0, _gw1, ...)"
    else:
        database = _configured_database(config)
    lines.append(f"flask-testkit: database {database}")
    return lines


def _configured_database(config: pytest.Config) -> str:
    try:
        flask_app = configured_app(config)
    except ConfigurationError as exc:
        return f"unknown: {exc}"
    if sqlalchemy_of(flask_app) is None:
        return "none (the app has no Flask-SQLAlchemy)"
    uri = flask_app.config.get("SQLALCHEMY_DATABASE_URI")
    return f"{display(uri)} (from the app's config)" if uri else "none configured"
