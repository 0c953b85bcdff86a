"""A workshop API whose models lean on the database: own key names, short strings, rules."""

from __future__ import annotations

from flask import Flask

from .extensions import db


def create_app(config: dict[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI="sqlite:///workshop.db", SECRET_KEY="change-me")
    app.config.update(config or {})
    db.init_app(app)

    from .views import bp

    app.register_blueprint(bp)
    return app
