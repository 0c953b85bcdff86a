from flask import Blueprint, abort, g, jsonify, request

from notebook.auth import login_required
from notebook.extensions import db
from notebook.models import Note

bp = Blueprint("notes", __name__, url_prefix="/notes")


def _own_note(note_id):
    note = db.get_or_404(Note, note_id)
    if note.owner_id != g.user.id:
        abort(403)
    return note


@bp.get("/")
@login_required
def index():
    notes = db.session.scalars(db.select(Note).filter_by(owner_id=g.user.id).order_by(Note.id))
    return jsonify([note.as_dict() for note in notes])


@bp.post("/")
@login_required
def create():
    title = request.form.get("title", "").strip()
    if not title:
        return jsonify(error="a note needs a title"), 400
    note = Note(title=title, body=request.form.get("body", ""), owner=g.user)
    db.session.add(note)
    db.session.commit()
    return jsonify(note.as_dict()), 201


@bp.get("/<int:note_id>")
@login_required
def show(note_id):
    return jsonify(_own_note(note_id).as_dict())


@bp.post("/<int:note_id>/delete")
@login_required
def delete(note_id):
    db.session.delete(_own_note(note_id))
    db.session.commit()
    return "", 204
