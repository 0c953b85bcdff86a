"""The views every data-layer app of these tests shares: commit, rollback, errors, savepoints."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, request
from sqlalchemy.exc import IntegrityError


def add_routes(app: Flask, session, engine, note) -> None:
    """Register the views; `session` and `engine` are called to get the app's current ones."""

    def count_notes() -> int:
        return session().scalar(sa.select(sa.func.count()).select_from(note)) or 0

    @app.post("/notes")
    def create_note():
        session().add(note(title=request.json["title"]))
        try:
            session().commit()
        except IntegrityError:
            session().rollback()
            return {"error": "taken"}, 409
        return {"count": count_notes()}, 201

    @app.post("/notes/abandon")
    def abandon_note():
        session().add(note(title=request.json["title"]))
        session().flush()
        session().rollback()
        return {"count": count_notes()}

    @app.post("/notes/nested")
    def nested_note():
        with session().begin_nested():
            session().add(note(title="inner"))
        session().add(note(title=request.json["title"]))
        session().commit()
        return {"count": count_notes() - 1}

    @app.post("/notes/raw")
    def raw_note():
        with engine().begin() as connection:
            connection.execute(sa.insert(note.__table__).values(title=request.json["title"]))
        return {"count": count_notes()}

    @app.get("/notes/count")
    def note_count():
        return {"count": count_notes()}
