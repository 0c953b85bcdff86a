"""A single-module app: the app and its database live at module level."""

from __future__ import annotations

import datetime as dt

from flask import Flask, abort, g, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///notes.db"
db = SQLAlchemy(app)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Note(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(120))
    body: Mapped[str] = mapped_column(db.Text, default="")
    pinned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "body": self.body, "pinned": self.pinned}

    @property
    def summary(self) -> str:
        return self.title if len(self.title) <= 20 else self.title[:17] + "..."


@app.before_request
def choose_language() -> None:
    # As a Babel locale selector does on every request: it chooses, and never refuses.
    g.language = request.accept_languages.best_match(["en", "fr"]) or "en"


@app.get("/notes")
def list_notes():
    notes = db.session.scalars(db.select(Note).order_by(Note.id)).all()
    return jsonify([note.to_dict() for note in notes])


@app.post("/notes")
def create_note():
    data = request.get_json(silent=True) or {}
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        return jsonify(error="title is required"), 400
    note = Note(title=title, body=data.get("body", ""))
    db.session.add(note)
    db.session.commit()
    return jsonify(note.to_dict()), 201


@app.get("/notes/<int:note_id>")
def get_note(note_id: int):
    note = db.session.get(Note, note_id)
    if note is None:
        abort(404)
    return jsonify(note.to_dict())


@app.delete("/notes/<int:note_id>")
def delete_note(note_id: int):
    note = db.get_or_404(Note, note_id)
    db.session.delete(note)
    db.session.commit()
    return "", 204
