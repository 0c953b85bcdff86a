"""Build the app under test from a Flask `--app` value, with Flask's own discovery rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from flask.cli import NoAppException, ScriptInfo

from flask_testkit.errors import ConfigurationError, one_line
from flask_testkit.repointing import test_databases_for_new_apps
from flask_testkit.settings import APP_ENV, APP_INI, APP_OPTION, Setting, Settings
from flask_testkit.targets import choose

if TYPE_CHECKING:
    from flask import Flask

NO_APP_HINT = (
    f"no Flask app is configured. Set `{APP_INI} = \"package:create_app('testing')\"` under "
    f"[tool.pytest.ini_options], pass {APP_OPTION}, set {APP_ENV}, "
    "or define an `app` fixture in conftest.py."
)


def load_app(setting: Setting) -> Flask:
    """Import and build the app that the setting names, or explain in one line why not."""
    if not setting.value:
        raise ConfigurationError(NO_APP_HINT)
    where = f"{setting.value!r} (from {setting.source})"
    try:
        return ScriptInfo(app_import_path=setting.value, set_debug_flag=False).load_app()
    except NoAppException as exc:
        # Flask's message may hold a whole traceback; its first and last lines say what happened.
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        reason = " ".join(dict.fromkeys([lines[0], lines[-1]])) if lines else one_line(exc)
        raise ConfigurationError(
            f"could not load the app {where}: {reason.rstrip('.')}. "
            "Check the module path and factory name; the value uses Flask's --app syntax."
        ) from exc
    except Exception as exc:
        raise ConfigurationError(
            f"the app {where} failed while importing or building: {one_line(exc)}. "
            "Fix the error above, or check that the factory's arguments are right."
        ) from exc


_LOADED = pytest.StashKey["Flask | ConfigurationError"]()


def configured_app(config: pytest.Config) -> Flask:
    """The app of this run's `flask_app` setting, built once and shared by every fixture."""
    loaded = config.stash.get(_LOADED, None)
    if loaded is None:
        try:
            # The app's engines are made on the test databases from the start, so whatever the
            # factory binds to them (sessions, listeners) never sees the configured database.
            with test_databases_for_new_apps(choose(), claim=True):
                loaded = load_app(settings_of(config).app)
        except ConfigurationError as exc:
            loaded = exc
        config.stash[_LOADED] = loaded
    if isinstance(loaded, ConfigurationError):
        raise loaded
    return loaded


_SETTINGS = pytest.StashKey[Settings]()


def remember_settings(config: pytest.Config) -> Settings:
    """Resolve this run's settings once and keep them on the config."""
    config.stash[_SETTINGS] = Settings.from_config(config)
    return config.stash[_SETTINGS]


def settings_of(config: pytest.Config) -> Settings:
    """This run's settings."""
    return config.stash[_SETTINGS]
