"""Who is calling: the user behind the request's Bearer token."""

from __future__ import annotations

from flask import request

from app.exceptions import AuthenticationRequired, InvalidToken
from app.models.user import User
from app.services.auth_service import user_for_token


def bearer_token() -> str | None:
    """Return the token from `Authorization: Bearer <token>`, None without the header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken()
    return token.strip()


def current_user() -> User:
    """Return the authenticated user; raise a 401 error when there is none."""
    token = bearer_token()
    if token is None:
        raise AuthenticationRequired()
    return user_for_token(token)


def optional_user() -> User | None:
    """Return the authenticated user, or None for anonymous calls; a bad token is still a 401."""
    token = bearer_token()
    return None if token is None else user_for_token(token)
