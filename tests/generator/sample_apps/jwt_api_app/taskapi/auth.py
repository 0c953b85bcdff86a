from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_jwt_extended import create_access_token, get_jwt_identity, jwt_required

from .extensions import db
from .models import User
from .schemas import LoginSchema, RegisterSchema, UserSchema

bp = Blueprint("auth", __name__, url_prefix="/api/auth")


@bp.post("/register")
def register():
    data = RegisterSchema().load(request.get_json(silent=True) or {})
    if db.session.scalar(db.select(User).filter_by(email=data["email"].lower())):
        return jsonify(error="email already registered"), 409
    user = User(email=data["email"].lower(), display_name=data["display_name"])
    user.password = data["password"]
    db.session.add(user)
    db.session.commit()
    return jsonify(user=UserSchema().dump(user)), 201


@bp.post("/login")
def login():
    data = LoginSchema().load(request.get_json(silent=True) or {})
    user = db.session.scalar(db.select(User).filter_by(email=data["email"].lower()))
    if user is None or not user.verify_password(data["password"]):
        return jsonify(error="invalid credentials"), 401
    return jsonify(access_token=create_access_token(identity=str(user.id)))


@bp.get("/me")
@jwt_required()
def me():
    user = db.get_or_404(User, int(get_jwt_identity()))
    return jsonify(user=UserSchema().dump(user))
