"""A task API: flask-jwt-extended tokens and marshmallow schemas."""

from __future__ import annotations

from flask import Flask, jsonify
from marshmallow import ValidationError

from .config import CONFIGS
from .extensions import db, jwt


def create_app(config_name: str = "development") -> Flask:
    app = Flask(__name__)
    app.config.from_object(CONFIGS[config_name])
    db.init_app(app)
    jwt.init_app(app)

    from .auth import bp as auth_bp
    from .tasks import bp as tasks_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(tasks_bp)

    @app.errorhandler(ValidationError)
    def validation_failed(error: ValidationError):
        return jsonify(error="validation failed", details=error.messages), 422

    @app.errorhandler(404)
    def not_found(error: Exception):
        return jsonify(error="not found"), 404

    return app
