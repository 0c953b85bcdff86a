"""Columns too short for what the app stores: SQLite keeps it all, PostgreSQL refuses it."""

from flask import Flask

from clubhouse.extensions import db


def create_app(config_name="default"):
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="change-me",
        SQLALCHEMY_DATABASE_URI="sqlite:///clubhouse.db",
        TESTING=config_name == "testing",
    )
    db.init_app(app)

    from clubhouse import badges, members

    app.register_blueprint(members.bp)
    app.register_blueprint(badges.bp)
    return app
