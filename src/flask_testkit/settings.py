"""Resolve plugin settings: command-line option, then environment variable, then ini key."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

APP_OPTION = "--flask-app"
APP_ENV = "FLASK_APP"
APP_INI = "flask_app"
DB_URL_OPTION = "--db-url"
DB_URL_ENV = "TEST_DATABASE_URL"
DB_URL_INI = "flask_db_url"
MIGRATIONS_OPTION = "--db-migrations"
MIGRATIONS_INI = "flask_db_migrations"
USE_CONFIGURED_INI = "flask_db_use_configured"
ISOLATE_ALL_INI = "flask_db_isolate_all"
CREATE_DB_OPTION = "--create-db"
REUSE_DB_OPTION = "--reuse-db"


@dataclass(frozen=True)
class Setting:
    """A resolved value and where it came from, for the run header and error messages."""

    value: str | None
    source: str

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class Settings:
    """Everything the plugin reads from the command line, the environment and the ini file."""

    app: Setting
    db_url: Setting
    migrations: bool
    # Run on the app's configured database itself, not a test database derived from it.
    use_configured: bool = False
    # Isolate every test, also those on an `app` fixture of the user's own.
    isolate_all: bool = False
    # Recreate the test database even when --reuse-db could keep it.
    create_db: bool = False
    # Keep the test database and its schema for the next run, while the schema is unchanged.
    reuse_db: bool = False

    @classmethod
    def from_environment(cls) -> Settings:
        """Settings for code running outside a pytest run that has the plugin configured."""
        return cls(
            app=_from_env(APP_ENV),
            db_url=_from_env(DB_URL_ENV),
            migrations=False,
        )

    @classmethod
    def from_config(cls, config: pytest.Config, early: bool = False) -> Settings:
        """Settings of one pytest run; `early`, before its command line is fully parsed."""

        def option(dest: str) -> object:
            if early:  # only the options known so far, as pytest has them before conftests
                return getattr(config.known_args_namespace, dest, None)
            return config.getoption(dest)

        return cls(
            app=_resolve(config, option("flask_app"), APP_OPTION, APP_ENV, APP_INI),
            db_url=_resolve(config, option("flask_db_url"), DB_URL_OPTION, DB_URL_ENV, DB_URL_INI),
            migrations=bool(option("flask_db_migrations") or config.getini(MIGRATIONS_INI)),
            use_configured=bool(config.getini(USE_CONFIGURED_INI)),
            isolate_all=bool(config.getini(ISOLATE_ALL_INI)),
            create_db=bool(option("flask_create_db")),
            reuse_db=bool(option("flask_reuse_db")),
        )


def _from_env(name: str) -> Setting:
    value = os.environ.get(name, "").strip()
    return Setting(value, name) if value else Setting(None, "unset")


def _resolve(
    config: pytest.Config, from_option: object, option: str, env: str, ini: str
) -> Setting:
    if from_option:
        return Setting(str(from_option), option)
    from_env = _from_env(env)
    if from_env:
        return from_env
    from_ini = str(config.getini(ini) or "").strip()
    if from_ini:
        return Setting(from_ini, f"ini {ini}")
    return Setting(None, "unset")


# The public context managers can be used from a user's own fixtures, where no pytest config is at
# hand; they read the settings of the innermost pytest run in progress (pytester nests runs).
_active: list[Settings] = []


def push(settings: Settings) -> None:
    """Make these the settings that the public helpers see."""
    _active.append(settings)


def pop() -> None:
    """Forget the settings of the run that is ending."""
    if _active:
        _active.pop()


def current() -> Settings:
    """The settings of the innermost pytest run, or the environment's outside pytest."""
    return _active[-1] if _active else Settings.from_environment()


def database_backend(url: str | None) -> str | None:
    """The backend a database URL names ("postgresql", "sqlite"...), None for none or a bad one."""
    if not url:
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).get_backend_name()
    except ArgumentError:
        return None
