"""A diary with two ways in: Flask-Login for its pages, bearer tokens for its API.

The pages sign in through the session; the API's token endpoint takes HTTP Basic credentials of
the same users and gives a token that every other API endpoint wants.
"""

from __future__ import annotations

import functools
import secrets

from flask import Flask, abort, g, jsonify, redirect, request
from flask_login import LoginManager, UserMixin, current_user, login_required
from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()
login_manager = LoginManager()
login_manager.login_view = "login"


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(40), unique=True, nullable=False)
    password_hash = db.Column(db.String(256))
    token = db.Column(db.String(64), unique=True)

    @property
    def password(self):
        raise AttributeError("password is not readable")

    @password.setter
    def password(self, value):
        self.password_hash = generate_password_hash(value)


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(200), nullable=False)
    user_id = db.Column(db.ForeignKey(User.id), nullable=False)


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))


def token_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        found = db.select(User).filter_by(token=token)
        user = db.session.execute(found).scalar() if token else None
        if user is None:
            return jsonify(error="a bearer token is needed"), 401
        g.user = user
        return view(**kwargs)

    return wrapped


def create_app(config_name="default"):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    app.config["SECRET_KEY"] = "diary"
    app.config["TESTING"] = config_name == "testing"
    db.init_app(app)
    login_manager.init_app(app)

    @app.get("/login")
    def login():
        return "<form method=post><input name=username><input name=password></form>"

    @app.get("/entries")
    @login_required
    def entries_page():
        mine = db.session.scalars(db.select(Entry).filter_by(user_id=current_user.id)).all()
        return "<ul>" + "".join(f"<li>{e.text}</li>" for e in mine) + "</ul>"

    @app.post("/entries/<int:entry_id>/delete")
    @login_required
    def delete_entry(entry_id):
        entry = db.session.get(Entry, entry_id) or abort(404)
        db.session.delete(entry)
        db.session.commit()
        return redirect("/entries")

    @app.post("/api/tokens")
    def new_token():
        auth = request.authorization
        if auth is None or not auth.username:
            return jsonify(error="send your username and password"), 401
        user = db.session.execute(db.select(User).filter_by(username=auth.username)).scalar()
        if user is None or not check_password_hash(user.password_hash or "", auth.password or ""):
            return jsonify(error="wrong username or password"), 401
        user.token = secrets.token_hex(16)
        db.session.commit()
        return jsonify(token=user.token)

    @app.get("/api/entries")
    @token_required
    def list_entries():
        mine = db.session.scalars(db.select(Entry).filter_by(user_id=g.user.id)).all()
        return jsonify(entries=[e.text for e in mine])

    @app.get("/api/entries/<int:entry_id>")
    @token_required
    def get_entry(entry_id):
        entry = db.session.get(Entry, entry_id) or abort(404)
        return jsonify(id=entry.id, text=entry.text)

    with app.app_context():
        db.create_all()
    return app
