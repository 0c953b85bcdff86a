"""A blog whose factory defaults to its development configuration, with a debug-only page."""

from __future__ import annotations

from flask import Flask

from .config import configs
from .extensions import db


def create_app(config_name: str = "development") -> Flask:
    app = Flask(__name__)
    app.config.from_object(configs[config_name])
    db.init_app(app)

    from .posts import bp

    app.register_blueprint(bp)
    if app.debug:
        from .dev import dev

        app.register_blueprint(dev)
    return app
