"""The user API: an application factory wiring config, extensions, blueprints and handlers."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from app.api import api
from app.cli import register_commands
from app.config import load_config
from app.errors import register_error_handlers
from app.extensions import db, migrate

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_name: str | None = None, overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app for `config_name` (default: $APP_CONFIG, else development)."""
    # A JSON API serves no static files.
    app = Flask(__name__, static_folder=None)
    app.config.update(load_config(config_name or os.environ.get("APP_CONFIG", "development")))
    app.config.update(overrides or {})
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the database and migrations to `app`."""
    db.init_app(app)
    # Batch mode lets Alembic alter SQLite tables, which cannot ALTER most things in place.
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIRECTORY), render_as_batch=True)


def register_blueprints(app: Flask) -> None:
    """Mount the API and make its URLs forgiving without redirects, whose bodies are HTML."""
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False
    app.register_blueprint(api)
