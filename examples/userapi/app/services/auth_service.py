"""Logging in, and resolving the user behind an access token."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.exceptions import InvalidCredentials, InvalidToken
from app.extensions import db
from app.models.user import User
from app.passwords import hash_password, needs_rehash, verify_password
from app.tokens import issue_access_token, read_access_token
from app.validators import LoginRequest, validate


def login(data: Any) -> dict[str, Any]:
    """Exchange an email and password for an access token, or raise InvalidCredentials."""
    credentials = validate(LoginRequest, data)
    user = db.session.scalar(select(User).where(User.email == credentials.email))
    # Verified even when no account matches, so an unknown email costs the same time as a wrong
    # password; every failure gets the same answer.
    valid = verify_password(user.password_hash if user else None, credentials.password)
    if user is None or not valid:
        raise InvalidCredentials()
    if user.password_hash and needs_rehash(user.password_hash):
        # Hashing settings were raised since this password was stored; upgrade it while we have it.
        user.password_hash = hash_password(credentials.password)
        db.session.commit()
    return issue_access_token(user.id)


def user_for_token(token: str) -> User:
    """Return the user an access token names; raise InvalidToken if it is bad or they are gone."""
    user = db.session.get(User, read_access_token(token))
    if user is None:
        raise InvalidToken()
    return user
