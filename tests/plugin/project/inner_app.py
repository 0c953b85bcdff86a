"""The app the plugin's tests run pytest on: it writes in every way the isolation must undo."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), unique=True, nullable=False)


class AuditEntry(db.Model):
    __bind_key__ = "audit"
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(50), nullable=False)


def count_users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("INNER_APP_DB", "sqlite://")
    app.config["SQLALCHEMY_BINDS"] = {"audit": os.environ.get("INNER_APP_AUDIT_DB", "sqlite://")}
    app.config.update(config or {})
    db.init_app(app)

    @app.post("/users")
    def create_user():
        db.session.add(User(email=request.json["email"]))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return {"error": "duplicate"}, 409
        return {"count": count_users()}, 201

    @app.post("/users/abandon")
    def abandon_user():
        db.session.add(User(email=request.json["email"]))
        db.session.flush()
        db.session.rollback()
        return {"count": count_users()}

    @app.post("/users/nested")
    def nested_user():
        with db.session.begin_nested():
            db.session.add(User(email=request.json["email"]))
        savepoint = db.session.begin_nested()
        db.session.add(User(email="discarded-" + request.json["email"]))
        savepoint.rollback()
        db.session.commit()
        return {"count": count_users()}, 201

    @app.post("/users/close")
    def close_after_commit():
        db.session.add(User(email=request.json["email"]))
        db.session.commit()
        db.session.close()
        db.session.remove()
        return {"count": count_users()}, 201

    @app.post("/users/raw-connect")
    def raw_connect():
        with db.engine.connect() as connection:
            connection.execute(sa.insert(User).values(email=request.json["email"]))
            connection.commit()
        return {"count": count_users()}, 201

    @app.post("/users/raw-begin")
    def raw_begin():
        with db.engine.begin() as connection:
            connection.execute(sa.insert(User).values(email=request.json["email"]))
        return {"count": count_users()}, 201

    @app.get("/users/count")
    def user_count():
        return {"count": count_users()}

    @app.post("/audit")
    def audit():
        db.session.add(AuditEntry(action=request.json["action"]))
        db.session.commit()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        return {"count": total}, 201

    return app
