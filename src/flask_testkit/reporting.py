"""What the run header and the summary say about the app and the database the tests get."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask_testkit.app_database import app_engines, sqlalchemy_of
from flask_testkit.database import display, is_memory, test_copy_of, with_suffix, xdist_worker
from flask_testkit.errors import ConfigurationError
from flask_testkit.loading import configured_app, settings_of
from flask_testkit.repointing import configured_urls
from flask_testkit.session_database import active_engines
from flask_testkit.settings import USE_CONFIGURED_INI
from flask_testkit.targets import choose

if TYPE_CHECKING:
    import pytest
    from flask import Flask

PLUGIN_FIXTURES = "flask_testkit.fixtures"


def user_app_fixture(config: pytest.Config) -> str | None:
    """The conftest.py, loaded before the run starts, that defines an `app` fixture, if any."""
    for name, plugin in config.pluginmanager.list_name_plugin():
        if not str(name).endswith("conftest.py"):
            continue
        for value in vars(plugin).values():
            marker = getattr(value, "_fixture_function_marker", None)
            if marker is None or not callable(value):
                continue
            fixture_name = getattr(marker, "name", None) or getattr(value, "__name__", None)
            if fixture_name == "app":
                return _relative(config, Path(str(name)))
    return None


def _relative(config: pytest.Config, path: Path) -> str:
    try:
        return str(path.relative_to(config.rootpath))
    except ValueError:
        return str(path)


def header_lines(config: pytest.Config) -> list[str] | None:
    """The run header: the app and database settings, and what they resolve to."""
    resolved = settings_of(config)
    if not resolved.app and not resolved.db_url and not resolved.use_configured:
        return None
    xdist = bool(getattr(config.option, "numprocesses", None))
    overridden = user_app_fixture(config)
    lines = []
    if overridden:
        lines.append(
            f"flask-testkit: app decided by conftest.py (an `app` fixture in {overridden})"
        )
    elif resolved.app:
        lines.append(f"flask-testkit: app {resolved.app.value} (from {resolved.app.source})")
    try:
        rule = choose()
    except ConfigurationError as exc:
        lines.append(f"flask-testkit: database unknown: {exc}")
        return lines
    if rule.override is not None:
        database = rule.describe()
        if xdist and not is_memory(rule.override):
            database += ", one copy per xdist worker (_gw0, _gw1, ...)"
    elif overridden or not resolved.app:
        database = "decided by conftest.py" if overridden else rule.describe()
    elif xdist:
        # The workers build the app, each on its own copy; the end of the run names them.
        database = f"{rule.describe()}, one copy per xdist worker (_gw0, _gw1, ...)"
    else:
        database = _built_app_database(config)
    lines.append(f"flask-testkit: database {database}")
    if rule.use_configured and rule.override is None:
        lines.append(
            "flask-testkit: WARNING: the tests run on the app's configured database itself "
            f"({USE_CONFIGURED_INI} = true); remove the key to run on a test copy."
        )
    return lines


def _built_app_database(config: pytest.Config) -> str:
    try:
        flask_app = configured_app(config)
    except ConfigurationError as exc:
        return f"unknown: {exc}"
    if sqlalchemy_of(flask_app) is None:
        return "none (the app has no Flask-SQLAlchemy)"
    return databases_of(flask_app)


def databases_of(flask_app: Flask) -> str:
    """The databases an app's engines are on, and what each stands in for."""
    db = sqlalchemy_of(flask_app)
    if db is None:
        plain = active_engines()
        return ", ".join(display(e.url) for e in plain) if plain else "no database it knows of"
    engines = app_engines(flask_app, db)
    configured = configured_urls(flask_app, db)
    parts = []
    for key, engine in sorted(engines.items(), key=lambda item: item[0] is not None):
        name = "" if key is None else f"bind {key}: "
        was = configured.get(key, engine.url)
        if is_memory(engine.url):
            note = "in memory"
        elif was == engine.url:
            note = "the app's configured database itself"
        elif with_suffix(test_copy_of(was), xdist_worker()) == engine.url:
            note = f"a test copy of the configured {display(was)}"
        else:
            note = f"set for the run, instead of the configured {display(was)}"
        parts.append(f"{name}{display(engine.url)} ({note})")
    return "; ".join(parts)


def app_in_use(config: pytest.Config, flask_app: Any, fixture: Any) -> str:
    """One line naming the app a test got and its databases, for the end of the run."""
    if getattr(fixture, "__module__", None) == PLUGIN_FIXTURES:
        setting = settings_of(config).app
        origin = f"the plugin's app fixture, from {setting.source}"
    else:
        try:
            where = _relative(config, Path(inspect.getfile(fixture)))
        except (TypeError, OSError):
            where = "conftest.py"
        origin = f"decided by your own app fixture, in {where}"
    name = getattr(flask_app, "name", type(flask_app).__name__)
    try:
        databases = databases_of(flask_app)
    except Exception as exc:  # a report line must never fail the run
        databases = f"unknown ({type(exc).__name__})"
    return f"flask-testkit: the tests got app {name!r} ({origin}) on {databases}"
