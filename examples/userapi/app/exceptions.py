"""Errors the app raises on purpose; each one knows its HTTP status and error code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class AppError(Exception):
    """Base error: class attributes give defaults; instances may override message and details."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"
    message: str = "The request could not be processed."

    def __init__(
        self, message: str | None = None, details: Mapping[str, Any] | None = None
    ) -> None:
        self.message = message or self.message
        self.details = dict(details or {})
        super().__init__(self.message)

    @property
    def headers(self) -> dict[str, str]:
        """Extra response headers this error needs."""
        return {}


class ValidationError(AppError):
    """Input failed validation; `details` maps each field to its messages."""

    status = 422
    code = "VALIDATION_ERROR"
    message = "The request contains invalid data."


class AuthenticationRequired(AppError):
    """No credentials were sent where they are needed."""

    status = 401
    code = "AUTHENTICATION_REQUIRED"
    message = "Send a Bearer token in the Authorization header."

    @property
    def headers(self) -> dict[str, str]:
        """RFC 6750 asks every 401 to name the scheme it expects."""
        return {"WWW-Authenticate": 'Bearer realm="userapi"'}


class InvalidToken(AuthenticationRequired):
    """The token is malformed, expired, forged, or names a user who no longer exists."""

    code = "INVALID_TOKEN"
    message = "The access token is invalid or has expired; log in again."

    @property
    def headers(self) -> dict[str, str]:
        """Tell the client the token itself was refused."""
        return {"WWW-Authenticate": 'Bearer realm="userapi", error="invalid_token"'}


class InvalidCredentials(AppError):
    """Login failed; one message for every reason, so it does not reveal which emails exist."""

    status = 401
    code = "INVALID_CREDENTIALS"
    message = "The email or password is incorrect."


class ForbiddenError(AppError):
    """The caller is known but not allowed to do this."""

    status = 403
    code = "FORBIDDEN"
    message = "You are not allowed to do this."


class NotFoundError(AppError):
    """The resource does not exist."""

    status = 404
    code = "NOT_FOUND"
    message = "The requested resource was not found."


class ConflictError(AppError):
    """The request conflicts with existing data, such as an email already in use."""

    status = 409
    code = "CONFLICT"
    message = "The request conflicts with existing data."


class NotAcceptableError(AppError):
    """The request's Accept header refuses JSON, the only media type this API answers in."""

    status = 406
    code = "NOT_ACCEPTABLE"
    message = "This API answers in JSON only: accept application/json, or send no Accept header."
