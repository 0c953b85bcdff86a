"""A pet store API built from flask-smorest MethodView resources."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from .extensions import db


def create_app(config_name: str = "development") -> Flask:
    app = Flask(__name__)
    app.config.update(
        API_TITLE="Pet store",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        SQLALCHEMY_DATABASE_URI="sqlite:///pets.db",
    )
    if config_name == "testing":
        app.config.update(TESTING=True, SQLALCHEMY_DATABASE_URI="sqlite://")
    db.init_app(app)
    api = Api(app)

    from .resources import blp

    api.register_blueprint(blp)
    return app
