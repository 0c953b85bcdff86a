"""A library API on APIFlask: token auth, marshmallow schemas and MethodView resources."""

from __future__ import annotations

from apiflask import APIFlask

from .config import CONFIGS
from .extensions import db


def create_app(config_name: str = "development") -> APIFlask:
    app = APIFlask(__name__, title="Library API", version="1.0")
    app.config.from_object(CONFIGS[config_name])
    db.init_app(app)

    from .accounts import bp as accounts_bp
    from .authors import bp as authors_bp
    from .books import bp as books_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(authors_bp)
    app.register_blueprint(books_bp)
    return app
