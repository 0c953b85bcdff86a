"""Content negotiation: the API answers in JSON only, and says so to clients that refuse it."""

from __future__ import annotations

from flask import request

from app.exceptions import NotAcceptableError


def require_json_acceptable() -> None:
    """Refuse with 406 a request whose Accept header rules out JSON."""
    accept = request.accept_mimetypes
    # No Accept header means any media type will do (RFC 9110, section 12.5.1).
    if accept.provided and accept.best_match(["application/json"]) is None:
        raise NotAcceptableError()
