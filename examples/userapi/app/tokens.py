"""Signed, short-lived access tokens (JWT, HS256) that identify a user."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from flask import current_app

from app.exceptions import InvalidToken
from app.models.user import MAX_USER_ID


def issue_access_token(user_id: int) -> dict[str, Any]:
    """Return a token for `user_id` with its type and lifetime in seconds."""
    config = current_app.config
    ttl = int(config["ACCESS_TOKEN_TTL"])
    now = datetime.now(timezone.utc)
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(seconds=ttl)}
    token = jwt.encode(claims, config["SECRET_KEY"], algorithm=config["JWT_ALGORITHM"])
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl}


def read_access_token(token: str) -> int:
    """Return the user id a valid token names; raise InvalidToken for anything else."""
    config = current_app.config
    try:
        # Naming the one accepted algorithm is what refuses `alg: none` and key-confusion tricks.
        claims = jwt.decode(
            token,
            config["SECRET_KEY"],
            algorithms=[config["JWT_ALGORITHM"]],
            options={"require": ["sub", "iat", "exp"]},
        )
        user_id = int(claims["sub"])
    except (jwt.InvalidTokenError, ValueError):
        raise InvalidToken() from None
    if not 1 <= user_id <= MAX_USER_ID:
        raise InvalidToken()
    return user_id
