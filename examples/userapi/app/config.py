"""Configuration for each environment, read from the process environment when the app is built."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

DEFAULT_DATABASE_URL = "sqlite:///userapi.db"
# HMAC-SHA256 keys shorter than the hash output weaken the token signature.
MIN_SECRET_KEY_LENGTH = 32
CONFIG_NAMES = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app can start with."""


def _base(environ: Mapping[str, str]) -> dict[str, Any]:
    return {
        # Relative SQLite paths land in the app's instance folder, so a checkout runs as is.
        "SQLALCHEMY_DATABASE_URI": environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": int(environ.get("MAX_CONTENT_LENGTH", 64 * 1024)),
        "ACCESS_TOKEN_TTL": int(environ.get("ACCESS_TOKEN_TTL", 15 * 60)),
        "JWT_ALGORITHM": "HS256",
        # RFC 9106's second recommended option: 3 passes over 64 MiB.
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 64 * 1024,
        "ARGON2_PARALLELISM": 4,
    }


def _development(environ: Mapping[str, str]) -> dict[str, Any]:
    # A fresh key per process: tokens simply stop working after a restart.
    return {"DEBUG": True, "SECRET_KEY": environ.get("SECRET_KEY") or secrets.token_hex(32)}


def _testing(environ: Mapping[str, str]) -> dict[str, Any]:
    return {
        "TESTING": True,
        # flask-testkit moves this to TEST_DATABASE_URL (one database per xdist worker) when set.
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SECRET_KEY": secrets.token_hex(32),
        # The cheapest hash argon2 allows: tests check behaviour, not hashing strength.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
    }


def _production(environ: Mapping[str, str]) -> dict[str, Any]:
    secret_key = environ.get("SECRET_KEY", "")
    if len(secret_key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} "
            'characters in production; generate one with: python -c "import secrets; '
            'print(secrets.token_hex(32))"'
        )
    return {"SECRET_KEY": secret_key}


_ENVIRONMENTS = {"development": _development, "testing": _testing, "production": _production}


def load_config(name: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings for the named environment, read from `environ` (the process's)."""
    if name not in _ENVIRONMENTS:
        raise ConfigError(f"Unknown config {name!r}; choose one of: {', '.join(CONFIG_NAMES)}.")
    environ = os.environ if environ is None else environ
    return {**_base(environ), **_ENVIRONMENTS[name](environ)}
