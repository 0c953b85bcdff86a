from flask import Flask

from notebook.extensions import db


def create_app(overrides=None):
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="change-me",
        SQLALCHEMY_DATABASE_URI="sqlite:///notebook.db",
    )
    app.config.update(overrides or {})
    db.init_app(app)

    from notebook import auth, notes

    app.register_blueprint(auth.bp)
    app.register_blueprint(notes.bp)
    return app
