from __future__ import annotations

from apiflask import APIBlueprint, abort
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .extensions import db, token_auth
from .models import User
from .schemas import LoginIn, TokenOut, UserOut

bp = APIBlueprint("accounts", __name__, url_prefix="/auth", tag="Accounts")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="access-token")


@token_auth.verify_token
def verify_token(token: str) -> User | None:
    try:
        user_id = _serializer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE"])
    except BadSignature:
        return None
    return db.session.get(User, user_id)


@bp.post("/login")
@bp.input(LoginIn)
@bp.output(TokenOut)
def login(json_data: dict[str, str]):
    user = db.session.scalar(db.select(User).filter_by(username=json_data["username"]))
    if user is None or not user.check_password(json_data["password"]):
        abort(401, "Invalid username or password.")
    return {"access_token": _serializer().dumps(user.id), "token_type": "Bearer"}


@bp.get("/me")
@bp.auth_required(token_auth)
@bp.output(UserOut)
def me():
    return token_auth.current_user
