"""Response shapes: the models that serialise data and describe it in the OpenAPI document."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.validators import Role

# Stored times are naive UTC on every database; give them back their zone on the way out.
UtcDatetime = Annotated[datetime, AfterValidator(lambda value: value.replace(tzinfo=timezone.utc))]


class UserOut(BaseModel):
    """A user as the API shows it: never the password or its hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str = Field(json_schema_extra={"format": "email"})
    name: str
    role: Role
    created_at: UtcDatetime
    updated_at: UtcDatetime


class PageMeta(BaseModel):
    """Where a page sits in the whole list."""

    page: int
    per_page: int
    total: int
    pages: int


class Token(BaseModel):
    """A bearer token and how many seconds it lasts."""

    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


class UserEnvelope(BaseModel):
    """One user."""

    data: UserOut


class UserListEnvelope(BaseModel):
    """One page of users."""

    data: list[UserOut]
    meta: PageMeta


class TokenEnvelope(BaseModel):
    """A login result."""

    data: Token


class ErrorBody(BaseModel):
    """What went wrong: a stable code for programs, a message for people, details per field."""

    code: str
    message: str
    details: dict[str, Any]


class ErrorEnvelope(BaseModel):
    """Every error response has this shape."""

    error: ErrorBody


class ApiDocument(BaseModel):
    """The OpenAPI document itself; only its top level is described here."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]


def serialize_user(user: object) -> dict[str, Any]:
    """Return the public JSON form of a user row."""
    return UserOut.model_validate(user).model_dump(mode="json")
