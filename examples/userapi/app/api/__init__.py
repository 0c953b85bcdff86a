"""Version 1 of the JSON API: the users and auth blueprints and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from app.api.auth import auth
from app.api.negotiation import require_json_acceptable
from app.api.users import users
from app.openapi import build_document, documented
from app.schemas import ApiDocument

API_TITLE = "User API"
API_VERSION = "1.0.0"

api = Blueprint("api", __name__, url_prefix="/api/v1")
api.register_blueprint(users)
api.register_blueprint(auth)
# Before every view of the API, so that no endpoint does work for a client that cannot read it.
api.before_request(require_json_acceptable)


@api.get("/openapi.json")
@documented(summary="This OpenAPI document", responses={200: ApiDocument})
def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document describing this API."""
    return build_document(current_app, API_TITLE, API_VERSION)
