"""Configuration per environment, read from the environment at build time."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import DEFAULT_DATABASE_URL, ConfigError, load_config

STRONG_KEY = "k" * 32


def test_development_defaults_to_a_sqlite_file_and_a_random_key():
    first, second = load_config("development", {}), load_config("development", {})
    assert first["SQLALCHEMY_DATABASE_URI"] == DEFAULT_DATABASE_URL
    assert first["DEBUG"] is True
    assert len(first["SECRET_KEY"]) == 64 and first["SECRET_KEY"] != second["SECRET_KEY"]


def test_database_url_and_limits_come_from_the_environment():
    environ = {
        "DATABASE_URL": "postgresql+psycopg://db/users",
        "SECRET_KEY": STRONG_KEY,
        "ACCESS_TOKEN_TTL": "60",
        "MAX_CONTENT_LENGTH": "1024",
    }
    config = load_config("production", environ)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/users"
    assert (config["SECRET_KEY"], config["ACCESS_TOKEN_TTL"], config["MAX_CONTENT_LENGTH"]) == (
        STRONG_KEY,
        60,
        1024,
    )


def test_testing_uses_memory_sqlite_and_cheap_hashing():
    config = load_config("testing", {"DATABASE_URL": "postgresql+psycopg://db/users"})
    assert config["TESTING"] is True
    assert config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert config["ARGON2_TIME_COST"] == 1


@pytest.mark.parametrize("environ", [{}, {"SECRET_KEY": ""}, {"SECRET_KEY": "dev"}])
def test_production_refuses_to_start_without_a_real_secret_key(environ):
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load_config("production", environ)


def test_unknown_config_name_is_refused():
    with pytest.raises(ConfigError, match="choose one of: development, testing, production"):
        load_config("staging", {})


def test_create_app_reads_app_config_from_the_environment(monkeypatch):
    monkeypatch.setenv("APP_CONFIG", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    # In memory, so the test leaves no database file in the instance folder.
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app()
    assert (app.config["SECRET_KEY"], app.debug, app.testing) == (STRONG_KEY, False, False)


def test_create_app_in_production_without_key_fails(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app("production")


def test_create_app_applies_overrides():
    app = create_app("testing", {"ACCESS_TOKEN_TTL": 5})
    assert app.config["ACCESS_TOKEN_TTL"] == 5
