"""A notice board whose routes attach to the app the first time their module is imported."""

from __future__ import annotations

from flask import Flask

from .extensions import db


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///board.db"
    db.init_app(app)
    with app.app_context():
        # A common pattern: the routes module decorates `current_app`, so only the first app
        # built in a process gets them.
        from . import routes  # noqa: F401
    return app
