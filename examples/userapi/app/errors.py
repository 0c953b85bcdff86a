"""One JSON error envelope for every failure, including Werkzeug's own and unexpected ones."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from app.exceptions import AppError

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side; the error has been logged."


def error_response(
    status: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ResponseReturnValue:
    """Build `{"error": {"code", "message", "details"}}` with the given status and headers."""
    body = {"error": {"code": code, "message": message, "details": dict(details or {})}}
    return jsonify(body), status, dict(headers or {})


def handle_app_error(error: AppError) -> ResponseReturnValue:
    """Answer an error the app raised on purpose."""
    return error_response(error.status, error.code, error.message, error.details, error.headers)


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    """Answer Werkzeug's errors (404, 405, 413, malformed JSON...) in the same envelope."""
    status = error.code or 500
    code = re.sub(r"[^A-Z0-9]+", "_", (error.name or "").upper()).strip("_")
    # Keep headers such as Allow on a 405, but not Werkzeug's HTML content type.
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    return error_response(status, code, error.description or error.name, headers=headers)


def handle_unexpected_error(error: Exception) -> ResponseReturnValue:
    """Log a bug with its traceback and answer 500 without revealing anything about it."""
    current_app.logger.exception("Unhandled error", exc_info=error)
    return error_response(500, "INTERNAL_ERROR", INTERNAL_ERROR_MESSAGE)


def register_error_handlers(app: Flask) -> None:
    """Route every exception class to its JSON handler."""
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
