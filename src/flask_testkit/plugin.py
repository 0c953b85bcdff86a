"""pytest hooks: options, ini keys, settings and the run header."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask

from flask_testkit import settings
from flask_testkit.errors import ConfigurationError, one_line_failure
from flask_testkit.fixtures import (  # noqa: F401  (fixtures are registered by being here)
    _flask_testkit_isolation,
    app,
    assert_max_queries,
    assert_no_n_plus_one,
    assert_num_queries,
    client,
    db_session,
    runner,
)
from flask_testkit.loading import remember_settings
from flask_testkit.repointing import drop_unused_claims
from flask_testkit.reporting import app_in_use, header_lines
from flask_testkit.settings import database_backend

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
    group.addoption(
        settings.CREATE_DB_OPTION,
        dest="flask_create_db",
        action="store_true",
        default=False,
        help="Recreate the test database, even one that --reuse-db would keep.",
    )
    group.addoption(
        settings.REUSE_DB_OPTION,
        dest="flask_reuse_db",
        action="store_true",
        default=False,
        help="Keep the test database and its schema for the next run; rebuilt when the models "
        "or migrations change.",
    )
    parser.addini(settings.APP_INI, "The app under test, in Flask's --app syntax.")
    parser.addini(settings.DB_URL_INI, "The database URL that every test runs on.")
    parser.addini(
        settings.MIGRATIONS_INI,
        "Build the test schema with Flask-Migrate migrations (true/false).",
        type="bool",
        default=False,
    )
    parser.addini(
        settings.USE_CONFIGURED_INI,
        "Run the tests on the app's configured database itself, not a test copy (true/false).",
        type="bool",
        default=False,
    )
    parser.addini(
        settings.ISOLATE_ALL_INI,
        "Isolate every test that uses an `app` fixture, also one of conftest.py (true/false).",
        type="bool",
        default=False,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """A conftest imported before the run is configured sees the run's settings too."""
    settings.push(settings.Settings.from_config(early_config, early=True))
    early_config.stash[_EARLY_SETTINGS] = True


def pytest_configure(config: pytest.Config) -> None:
    if config.stash.get(_EARLY_SETTINGS, False):
        settings.pop()
    settings.push(remember_settings(config))
    config.stash[_APPS_SEEN] = {}
    config.pluginmanager.register(_AppsInUse(config), "flask_testkit_apps_in_use")


_EARLY_SETTINGS = pytest.StashKey[bool]()


def pytest_unconfigure(config: pytest.Config) -> None:
    drop_unused_claims()
    settings.pop()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    """Show a misconfiguration as its one line, in our fixtures and in the user's alike."""
    try:
        result = yield
    except ConfigurationError as exc:
        message = str(exc)
    else:
        if fixturedef.argname == "app" and isinstance(result, Flask):
            _record_app(request.config, fixturedef, result)
        return result
    # Made outside the except block, so that no chained traceback is printed with it.
    failure = one_line_failure(message)
    cached = fixturedef.cached_result
    if isinstance(cached, tuple) and len(cached) == 3 and cached[2] is not None:
        # Later tests that share a failed session fixture re-raise what is cached: cache the line.
        fixturedef.cached_result = (None, cached[1], (failure, None))
    raise failure


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    return header_lines(config)


def pytest_markeval_namespace(config: pytest.Config) -> dict[str, Any]:
    """`flask_db_backend` in skipif/xfail conditions: "postgresql", "sqlite"... or None."""
    return {"flask_db_backend": database_backend(settings.current().db_url.value)}


# What each `app` fixture in use gave the tests, as lines for the end of the run. Reports carry
# them, so that pytest-xdist's workers tell the controller what they really ran on.
_APPS_SEEN = pytest.StashKey[dict[str, None]]()
_REPORT_ATTRIBUTE = "flask_testkit_apps"


def _record_app(config: pytest.Config, fixturedef: pytest.FixtureDef[Any], result: Any) -> None:
    line = app_in_use(config, result, fixturedef.func)
    config.stash[_APPS_SEEN].setdefault(line, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when == "teardown":
        seen: dict[str, None] = item.config.stash[_APPS_SEEN]
        setattr(report, _REPORT_ATTRIBUTE, list(seen))
    return report


class _AppsInUse:
    """Collects the lines of every report, the workers' too, and prints them at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for line in getattr(report, _REPORT_ATTRIBUTE, None) or ():
            self.config.stash[_APPS_SEEN].setdefault(line, None)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        lines = self.config.stash[_APPS_SEEN]
        if lines:
            terminalreporter.section("flask-testkit", sep="-")
            for line in lines:
                terminalreporter.write_line(line)
