from flask import Blueprint, abort, jsonify, redirect, request, url_for

from guestbook.db import get_db

bp = Blueprint("entries", __name__, url_prefix="/entries")


def _entry_or_404(entry_id):
    row = (
        get_db()
        .execute("SELECT id, author, message FROM entry WHERE id = ?", (entry_id,))
        .fetchone()
    )
    if row is None:
        abort(404, f"Entry {entry_id} does not exist.")
    return dict(row)


@bp.get("/")
def index():
    rows = get_db().execute("SELECT id, author, message FROM entry ORDER BY id DESC").fetchall()
    return jsonify([dict(row) for row in rows])


@bp.post("/")
def sign():
    author = request.form["author"].strip()
    message = request.form["message"].strip()
    if not author or not message:
        return jsonify(error="author and message must not be blank"), 400
    db = get_db()
    cursor = db.execute("INSERT INTO entry (author, message) VALUES (?, ?)", (author, message))
    db.commit()
    return redirect(url_for("entries.show", entry_id=cursor.lastrowid))


@bp.get("/<int:entry_id>")
def show(entry_id):
    return jsonify(_entry_or_404(entry_id))


@bp.post("/<int:entry_id>/delete")
def delete(entry_id):
    _entry_or_404(entry_id)
    db = get_db()
    db.execute("DELETE FROM entry WHERE id = ?", (entry_id,))
    db.commit()
    return redirect(url_for("entries.index"))
