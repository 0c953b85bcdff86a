"""An inventory API whose factory takes a config class."""

from __future__ import annotations

from flask import Flask

from .config import Config
from .extensions import db


def create_app(config_class: type[Config] = Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_class)
    db.init_app(app)

    from .views import bp

    app.register_blueprint(bp)
    return app
