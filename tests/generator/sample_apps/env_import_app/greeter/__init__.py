"""An app that cannot be imported without its environment: a secret, a database URL, a greeting."""

from __future__ import annotations

import os

from flask import Flask, abort

from .extensions import db
from .models import Greeting

SECRET = os.environ["APP_SECRET"]  # KeyError at import when it is not set
DATABASE_URL = os.environ["DATABASE_URL"]
GREETING = os.getenv("GREETING", "hi")


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=SECRET, SQLALCHEMY_DATABASE_URI=DATABASE_URL)
    db.init_app(app)

    @app.get("/greeting")
    def greeting() -> dict[str, str]:
        return {"greeting": GREETING}

    @app.get("/greetings/<int:greeting_id>")
    def get_greeting(greeting_id: int) -> dict[str, object]:
        row = db.session.get(Greeting, greeting_id)
        if row is None:
            abort(404)
        return {"id": row.id, "text": row.text}

    return app
