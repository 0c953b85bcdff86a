"""HTTP endpoints for user accounts: each view translates HTTP to a service call and back."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from app.api.access import current_user, optional_user
from app.openapi import documented
from app.schemas import UserEnvelope, UserListEnvelope
from app.services import user_service
from app.validators import UserCreate, UserListQuery, UserUpdate

users = Blueprint("users", __name__, url_prefix="/users")

USER_URL = "/<int:user_id>"
JsonResult = tuple[dict[str, Any], int]


@users.get("/")
@documented(
    summary="List users, a page at a time, optionally only one role",
    query=UserListQuery,
    responses={200: UserListEnvelope},
)
def list_users() -> JsonResult:
    """Return one page of users and the paging metadata."""
    items, meta = user_service.list_users(request.args)
    return {"data": items, "meta": meta}, 200


@users.post("/")
@documented(
    summary="Sign up; an admin's token is needed to create an admin",
    body=UserCreate,
    responses={201: UserEnvelope},
    errors=(403, 409),
    auth="optional",
)
def create_user() -> JsonResult:
    """Create a user from the JSON body."""
    actor = optional_user()
    return {"data": user_service.create_user(request.get_json(), actor)}, 201


@users.get(USER_URL)
@documented(summary="Get one user", responses={200: UserEnvelope})
def get_user(user_id: int) -> JsonResult:
    """Return one user."""
    return {"data": user_service.get_user(user_id)}, 200


@users.patch(USER_URL)
@documented(
    summary="Change a user; users may change themselves, admins anyone",
    body=UserUpdate,
    responses={200: UserEnvelope},
    errors=(403, 409),
    auth="required",
)
def update_user(user_id: int) -> JsonResult:
    """Apply the fields in the JSON body to one user."""
    actor = current_user()
    return {"data": user_service.update_user(user_id, request.get_json(), actor)}, 200


@users.delete(USER_URL)
@documented(
    summary="Delete a user (admins only)",
    responses={204: None},
    errors=(403,),
    auth="required",
)
def delete_user(user_id: int) -> tuple[str, int]:
    """Remove one user."""
    user_service.delete_user(user_id, current_user())
    return "", 204
