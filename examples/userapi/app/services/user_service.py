"""Creating, reading, changing and removing user accounts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.exceptions import ConflictError, ForbiddenError, NotFoundError
from app.extensions import db
from app.models.user import MAX_USER_ID, User
from app.passwords import hash_password
from app.schemas import serialize_user
from app.validators import UserCreate, UserListQuery, UserUpdate, provided_fields, validate

EMAIL_TAKEN = "An account with this email already exists."


def create_user(data: Any, actor: User | None = None) -> dict[str, Any]:
    """Sign up a user from raw input; only an admin `actor` may create another admin."""
    fields = validate(UserCreate, data)
    if fields.role == "admin" and not (actor and actor.is_admin):
        raise ForbiddenError("Only an admin can create an admin account.")
    return _insert(fields)


def create_admin(data: Any) -> dict[str, Any]:
    """Create an admin account from trusted input, such as the command line."""
    return _insert(validate(UserCreate, {**data, "role": "admin"}))


def list_users(args: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Return one page of users, oldest first, and the page's position in the whole list."""
    query = validate(UserListQuery, dict(args))
    statement = select(User).order_by(User.id)
    if query.role is not None:
        statement = statement.where(User.role == query.role)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = db.session.scalars(
        statement.limit(query.per_page).offset((query.page - 1) * query.per_page)
    )
    meta = {
        "page": query.page,
        "per_page": query.per_page,
        "total": total,
        "pages": math.ceil(total / query.per_page),
    }
    return [serialize_user(user) for user in rows], meta


def get_user(user_id: int) -> dict[str, Any]:
    """Return one user, or raise NotFoundError."""
    return serialize_user(load_user(user_id))


def update_user(user_id: int, data: Any, actor: User) -> dict[str, Any]:
    """Change the fields sent; users may edit themselves, admins anyone, and only admins roles."""
    changes = dict(provided_fields(validate(UserUpdate, data)))
    user = load_user(user_id)
    if not actor.is_admin and actor.id != user.id:
        raise ForbiddenError("You can only change your own account.")
    if not actor.is_admin and changes.get("role", user.role) != user.role:
        raise ForbiddenError("Only an admin can change roles.")
    if "password" in changes:
        user.password_hash = hash_password(changes.pop("password"))
    for field, value in changes.items():
        setattr(user, field, value)
    _commit_unique_email()
    return serialize_user(user)


def delete_user(user_id: int, actor: User) -> None:
    """Remove a user; only admins may."""
    if not actor.is_admin:
        raise ForbiddenError("Only an admin can delete users.")
    db.session.delete(load_user(user_id))
    db.session.commit()


def load_user(user_id: int) -> User:
    """Return the User row with `user_id`, or raise NotFoundError."""
    # Ids beyond the column's range are never sent: some drivers fail on them instead of matching.
    user = db.session.get(User, user_id) if user_id <= MAX_USER_ID else None
    if user is None:
        raise NotFoundError(f"No user with id {user_id}.")
    return user


def _insert(fields: UserCreate) -> dict[str, Any]:
    user = User(email=fields.email, name=fields.name, role=fields.role)
    if fields.password is not None:
        user.password_hash = hash_password(fields.password)
    db.session.add(user)
    _commit_unique_email()
    return serialize_user(user)


def _commit_unique_email() -> None:
    # The unique index decides, not a prior SELECT, so two simultaneous sign-ups cannot both win.
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ConflictError(EMAIL_TAKEN, details={"email": [EMAIL_TAKEN]}) from None
