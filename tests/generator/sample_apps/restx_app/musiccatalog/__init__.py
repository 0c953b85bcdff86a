"""A music catalogue API on flask-restx: namespaces, field models and request parsers."""

from __future__ import annotations

from flask import Flask

from .config import CONFIGS
from .extensions import db


def create_app(config_name: str = "development") -> Flask:
    app = Flask(__name__)
    app.config.from_object(CONFIGS[config_name])
    db.init_app(app)

    from .api import blueprint

    app.register_blueprint(blueprint)
    return app
