"""An app on plain SQLAlchemy, in the pattern of Flask's docs: a module-level engine and session."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session, sessionmaker

engine = sa.create_engine(os.environ.get("PLAIN_APP_DB", "sqlite:///plain_dev.db"))
Session = scoped_session(sessionmaker(bind=engine))


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(80), unique=True)


def count_notes() -> int:
    return Session.scalar(sa.select(sa.func.count()).select_from(Note)) or 0


def create_app() -> Flask:
    app = Flask(__name__)

    @app.teardown_appcontext
    def remove_session(exception: BaseException | None = None) -> None:
        Session.remove()

    @app.post("/notes")
    def create_note():
        Session.add(Note(title=request.json["title"]))
        try:
            Session.commit()
        except IntegrityError:
            Session.rollback()
            return {"error": "taken"}, 409
        return {"count": count_notes()}, 201

    @app.post("/notes/abandon")
    def abandon_note():
        Session.add(Note(title=request.json["title"]))
        Session.flush()
        Session.rollback()
        return {"count": count_notes()}

    @app.post("/notes/nested")
    def nested_note():
        with Session.begin_nested():
            Session.add(Note(title="inner"))
        Session.add(Note(title=request.json["title"]))
        Session.commit()
        return {"count": count_notes() - 1}

    @app.get("/notes/count")
    def note_count():
        return {"count": count_notes()}

    return app
