import functools

from flask import Blueprint, g, jsonify, redirect, request, session, url_for

from notebook.extensions import db
from notebook.models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.before_app_request
def load_signed_in_user():
    user_id = session.get("user_id")
    g.user = db.session.get(User, user_id) if user_id is not None else None


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login"))
        return view(**kwargs)

    return wrapped


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return "<form method=post><input name=username><input name=password></form>"
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar()
    if user is None or not user.check_password(password):
        return jsonify(error="wrong username or password"), 401
    session.clear()
    session["user_id"] = user.id
    return redirect(url_for("notes.index"))


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))
