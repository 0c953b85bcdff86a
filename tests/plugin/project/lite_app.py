"""An app on Flask-SQLAlchemy-Lite: engines from SQLALCHEMY_ENGINES, models on a plain base."""

from __future__ import annotations

import os

import sqlalchemy as sa
from data_views import add_routes
from flask import Flask
from flask_sqlalchemy_lite import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

db = SQLAlchemy()


class Model(DeclarativeBase):
    pass


class Note(Model):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(80), unique=True)


def session():
    return db.session


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_ENGINES"] = {"default": os.environ.get("DATA_APP_DB", "sqlite://")}
    db.init_app(app)
    add_routes(app, session, lambda: db.engine, Note)
    return app
