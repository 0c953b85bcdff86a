"""A bookmarks API that hashes passwords in its views, not in the model.

`User.password` holds a Werkzeug hash that only the register view makes; the login view checks
it and answers with a JWT. A user made straight in the database cannot sign in.
"""

from __future__ import annotations

from flask import Flask, request
from flask_jwt_extended import JWTManager, create_access_token, get_jwt_identity, jwt_required
from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()
jwt = JWTManager()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), unique=True, nullable=False)
    password = db.Column(db.String(255), nullable=False)


class Bookmark(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    url = db.Column(db.String(255), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)


def create_app(config_name: str = "default") -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///bookmarks.db"
    app.config["JWT_SECRET_KEY"] = "a-secret-of-at-least-thirty-two-bytes"
    app.config["TESTING"] = config_name == "testing"
    db.init_app(app)
    jwt.init_app(app)

    @app.post("/auth/register")
    def register():
        data = request.get_json() or {}
        email, password = data.get("email"), data.get("password")
        if not email or not password:
            return {"message": "email and password are required"}, 400
        if db.session.scalar(db.select(User).filter_by(email=email)):
            return {"message": "email taken"}, 409
        db.session.add(User(email=email, password=generate_password_hash(password)))
        db.session.commit()
        return {"message": "registered"}, 201

    @app.post("/auth/login")
    def login():
        data = request.get_json() or {}
        user = db.session.scalar(db.select(User).filter_by(email=data.get("email")))
        if user is None or not check_password_hash(user.password, data.get("password") or ""):
            return {"message": "bad credentials"}, 401
        return {"access_token": create_access_token(identity=str(user.id))}

    @app.get("/bookmarks")
    @jwt_required()
    def list_bookmarks():
        user_id = int(get_jwt_identity())
        rows = db.session.scalars(db.select(Bookmark).filter_by(user_id=user_id)).all()
        return {"bookmarks": [{"id": b.id, "url": b.url} for b in rows]}

    @app.post("/bookmarks")
    @jwt_required()
    def add_bookmark():
        data = request.get_json() or {}
        if not data.get("url"):
            return {"message": "url is required"}, 400
        bookmark = Bookmark(url=data["url"], user_id=int(get_jwt_identity()))
        db.session.add(bookmark)
        db.session.commit()
        return {"id": bookmark.id, "url": bookmark.url}, 201

    return app
