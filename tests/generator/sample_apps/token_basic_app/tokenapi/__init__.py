"""A token API whose token endpoint takes HTTP Basic credentials, as Flask-HTTPAuth apps do.

POST /api/tokens with `Authorization: Basic ...` gives a bearer token; every other endpoint wants
that token. A 401 names no Basic challenge, so only the token endpoint tells how to sign in.
"""

from __future__ import annotations

import functools
import secrets

from flask import Flask, abort, g, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(40), unique=True, nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
    password_hash = db.Column(db.String(256))
    token = db.Column(db.String(64), unique=True)

    @property
    def password(self):
        raise AttributeError("password is not readable")

    @password.setter
    def password(self, value):
        self.password_hash = generate_password_hash(value)

    def as_dict(self):
        return {"id": self.id, "username": self.username}


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(200), nullable=False)
    user_id = db.Column(db.ForeignKey(User.id), nullable=False)


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
    app.config["TESTING"] = config_name == "testing"
    db.init_app(app)

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
        return jsonify(access_token=user.token)

    @app.get("/api/me")
    @token_required
    def me():
        return jsonify(g.user.as_dict())

    # An argument whose name says nothing of its model: the user with that key.
    @app.post("/api/me/friends/<int:member>")
    @token_required
    def add_friend(member):
        db.session.get(User, member) or abort(404)
        return "", 204

    @app.get("/api/notes/<int:note_id>")
    @token_required
    def get_note(note_id):
        note = db.session.get(Note, note_id) or abort(404)
        return jsonify(id=note.id, text=note.text)

    return app
