"""An app on Alchemical: its URL from ALCHEMICAL_DATABASE_URL, models on `db.Model`."""

from __future__ import annotations

import os

import sqlalchemy as sa
from alchemical.flask import Alchemical
from data_views import add_routes
from flask import Flask
from sqlalchemy.orm import Mapped, mapped_column

db = Alchemical()


class Note(db.Model):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(80), unique=True)


def session():
    return db.session


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["ALCHEMICAL_DATABASE_URL"] = os.environ.get("DATA_APP_DB", "sqlite://")
    db.init_app(app)
    add_routes(app, session, db.get_engine, Note)
    return app
