from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from .extensions import db
from .forms import EntryForm
from .models import Entry

bp = Blueprint("entries", __name__, url_prefix="/entries")


def _own_entry(entry_id: int) -> Entry:
    entry = db.get_or_404(Entry, entry_id)
    if entry.author_id != current_user.id:
        abort(403)
    return entry


@bp.get("/")
@login_required
def index():
    entries = db.session.scalars(
        db.select(Entry).filter_by(author_id=current_user.id).order_by(Entry.created.desc())
    ).all()
    return render_template("entries.html", entries=entries)


# Public: the page's title names the entry's author, a row the test's factory makes for it.
@bp.get("/<int:entry_id>")
def show(entry_id: int):
    return render_template("entry.html", entry=db.get_or_404(Entry, entry_id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = EntryForm()
    if form.validate_on_submit():
        entry = Entry(title=form.title.data, body=form.body.data, author=current_user)
        db.session.add(entry)
        db.session.commit()
        return redirect(url_for("entries.index"))
    return render_template("form.html", form=form, title="New entry")


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int):
    entry = _own_entry(entry_id)
    form = EntryForm(obj=entry)
    if form.validate_on_submit():
        form.populate_obj(entry)
        db.session.commit()
        return redirect(url_for("entries.index"))
    return render_template("form.html", form=form, title="Edit entry")


@bp.post("/<int:entry_id>/delete")
@login_required
def delete(entry_id: int):
    db.session.delete(_own_entry(entry_id))
    db.session.commit()
    return redirect(url_for("entries.index"))
