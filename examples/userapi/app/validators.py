"""Input rules: one pydantic model per request body or query, and `validate` to apply them.

The same models feed the OpenAPI document, so the published contract is the enforced one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal, TypeVar

import email_validator
import pydantic
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.exceptions import ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)

Role = Literal["member", "admin"]
# Printable text with at least one visible character: control characters break logs and CSV
# exports, and PostgreSQL refuses NUL in text columns outright.
_VISIBLE_TEXT = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"


def normalize_email(value: str) -> str:
    """Check an address with email-validator and return its lower-cased ASCII form."""
    # ASCII only, so the stored form is always a plain RFC 5322 address: international domains
    # are welcome in their punycode (xn--) spelling.
    if not value.isascii():
        raise ValueError("use the ASCII form of the address (xn-- for international domains)")
    try:
        address = email_validator.validate_email(
            value, check_deliverability=False, allow_smtputf8=False
        )
    except email_validator.EmailNotValidError as error:
        raise ValueError(f"not a valid email address: {error}") from None
    return (address.ascii_email or address.normalized).lower()


Email = Annotated[
    str,
    Field(
        max_length=254,
        json_schema_extra={"format": "email"},
        description="An address at a public domain (reserved names such as .test, .local or "
        ".arpa are refused); compared case-insensitively and stored lower-cased.",
    ),
    AfterValidator(normalize_email),
]
Name = Annotated[
    str,
    Field(min_length=1, max_length=100, pattern=_VISIBLE_TEXT),
    AfterValidator(str.strip),
]
# Long passphrases are welcome; the cap only stops hashing from becoming a denial of service.
Password = Annotated[str, Field(min_length=8, max_length=256)]


class _Body(BaseModel):
    # JSON has real types, so no coercion ("1" is not 1), and unknown fields are mistakes.
    model_config = ConfigDict(strict=True, extra="forbid", regex_engine="python-re")


def not_sent() -> Any:
    """Default of a field that may be left out: None then means "not sent".

    The annotation stays the plain type, so an explicit null is refused like any other wrong type.
    """
    return Field(default=None)


class UserCreate(_Body):
    """Sign-up: a password is optional, for accounts an admin provisions for someone else."""

    email: Email
    name: Name
    password: Password = not_sent()
    role: Role = "member"


class UserUpdate(_Body):
    """A partial update: only the fields sent are changed, and none of them may be null."""

    email: Email = not_sent()
    name: Name = not_sent()
    password: Password = not_sent()
    role: Role = not_sent()


class LoginRequest(_Body):
    """Credentials for a token."""

    email: Email
    password: Annotated[str, Field(min_length=1, max_length=256)]


class UserListQuery(BaseModel):
    """Query string of the user list: query values arrive as text, so they are coerced."""

    model_config = ConfigDict(extra="ignore")

    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=20, ge=1, le=100)
    role: Role = not_sent()


def validate(model: type[ModelT], data: Any) -> ModelT:
    """Parse `data` with `model`, raising ValidationError with messages keyed by field."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError(details=field_errors(exc.errors())) from None


def field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Group pydantic errors by dotted field path; errors about the whole body go under `body`."""
    details: dict[str, list[str]] = {}
    for error in errors:
        field = ".".join(str(part) for part in error["loc"]) or "body"
        details.setdefault(field, []).append(error["msg"])
    return details


def provided_fields(model: BaseModel) -> Mapping[str, Any]:
    """Return only the fields the client actually sent."""
    return model.model_dump(exclude_unset=True)
