"""A journal site: blueprints, Flask-Login sessions and Flask-WTF forms."""

from __future__ import annotations

from flask import Flask

from .extensions import db, login_manager


def create_app(config_name: str = "development") -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="dev", SQLALCHEMY_DATABASE_URI="sqlite:///journal.db")
    if config_name == "testing":
        app.config.update(TESTING=True, SQLALCHEMY_DATABASE_URI="sqlite://")
    db.init_app(app)
    login_manager.init_app(app)

    from .auth import bp as auth_bp
    from .entries import bp as entries_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(entries_bp)
    app.add_url_rule("/", endpoint="index", redirect_to="/entries/")
    return app
