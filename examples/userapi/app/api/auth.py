"""HTTP endpoints for logging in and asking who the token belongs to."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from app.api.access import current_user
from app.openapi import documented
from app.schemas import TokenEnvelope, UserEnvelope, serialize_user
from app.services import auth_service
from app.validators import LoginRequest

auth = Blueprint("auth", __name__, url_prefix="/auth")


@auth.post("/login")
@documented(
    summary="Exchange an email and password for a Bearer token",
    body=LoginRequest,
    responses={200: TokenEnvelope},
    errors=(401,),
)
def login() -> tuple[dict[str, Any], int]:
    """Return an access token for valid credentials."""
    return {"data": auth_service.login(request.get_json())}, 200


@auth.get("/me")
@documented(summary="The user the token belongs to", responses={200: UserEnvelope}, auth="required")
def me() -> tuple[dict[str, Any], int]:
    """Return the authenticated user."""
    return {"data": serialize_user(current_user())}, 200
