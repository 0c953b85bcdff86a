import os

from flask import Flask

from .extensions import db


def create_app(config_name="production"):
    app = Flask(__name__)
    app.config["SQLALCHEMY_ENGINES"] = {
        "default": os.environ.get("READING_LIST_DB", "sqlite:///reading_list.db")
    }
    app.config["TESTING"] = config_name == "testing"
    db.init_app(app)

    from .views import bp

    app.register_blueprint(bp)
    return app
