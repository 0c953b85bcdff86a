"""Test values chosen by a field's name and type: Faker for factories, literals for bodies."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
from typing import Any

import sqlalchemy as sa

from ..code import Code
from ..reading.models import ColumnInfo

TEST_PASSWORD = "correct-horse-battery-staple"

# Column-name fragments mapped to (Faker provider, sample literal for request bodies).
_BY_NAME: list[tuple[tuple[str, ...], str, str]] = [
    (("email",), "email", "new.user@example.com"),
    (("username", "user_name", "login", "handle"), "user_name", "new_user"),
    (("first_name", "firstname", "given_name"), "first_name", "Ada"),
    (("last_name", "lastname", "surname", "family_name"), "last_name", "Lovelace"),
    (("full_name", "display_name", "name"), "name", "Ada Lovelace"),
    (("title", "subject", "headline"), "sentence", "A sample title"),
    (("url", "website", "link", "homepage"), "url", "https://example.com/page"),
    (("phone", "mobile"), "phone_number", "+1 555 0100"),
    (("slug",), "slug", "a-sample-slug"),
    (("city",), "city", "Lyon"),
    (("country",), "country", "France"),
    (("address", "street"), "street_address", "1 Sample Street"),
    (("company", "organisation", "organization"), "company", "Sample Ltd"),
    (("color", "colour"), "color_name", "Teal"),
    (
        ("body", "text", "content", "description", "bio", "summary", "comment", "note"),
        "paragraph",
        "Some sample text.",
    ),
]


def _name_match(name: str) -> tuple[str, str] | None:
    lowered = name.lower()
    for fragments, provider, sample in _BY_NAME:
        if any(
            lowered == f or lowered.endswith("_" + f) or lowered.startswith(f + "_")
            for f in fragments
        ):
            return provider, sample
    return None


def is_password_name(name: str) -> bool:
    """True for fields that carry a password."""
    return "password" in name.lower() or name.lower() in {"passwd", "pwd", "secret"}


def sample_for_name(name: str, kind: str = "string", max_length: int | None = None) -> Any:
    """A readable literal for a request field, chosen by name, then by kind."""
    if is_password_name(name):
        return Code("TEST_PASSWORD")
    if kind == "string":
        match = _name_match(name)
        value = match[1] if match else f"Sample {name.replace('_', ' ')}"
        return value[:max_length] if max_length else value
    return {
        "integer": 1,
        "float": 1.5,
        "decimal": "9.99",
        "boolean": True,
        "date": "2024-01-15",
        "datetime": "2024-01-15T09:30:00",
    }.get(kind, f"sample-{name}")


def column_kind(column: ColumnInfo) -> str:
    """A coarse kind for a column type: string, integer, float, decimal, boolean, date..."""
    type_ = column.sa_type
    checks: list[tuple[type[Any], str]] = [
        (sa.Boolean, "boolean"),
        (sa.Enum, "enum"),
        (sa.Integer, "integer"),
        (sa.Numeric, "decimal"),
        (sa.Float, "float"),
        (sa.DateTime, "datetime"),
        (sa.Date, "date"),
        (sa.Time, "time"),
        (sa.JSON, "json"),
        (sa.Uuid, "uuid"),
        (sa.LargeBinary, "binary"),
        (sa.String, "string"),
        (sa.Interval, "interval"),
    ]
    for sa_type, kind in checks:
        if isinstance(type_, sa_type):
            if kind == "decimal" and isinstance(type_, sa.Float):
                return "float"
            return kind
    return "other"


# Declarations that depend on the column's kind alone.
_DECLARATION_BY_KIND = {
    "decimal": 'factory.Faker("pydecimal", left_digits=4, right_digits=2, positive=True)',
    "float": 'factory.Faker("pyfloat", min_value=0, max_value=1000)',
    "boolean": 'factory.Faker("pybool")',
    "datetime": 'factory.Faker("date_time")',
    "date": 'factory.Faker("date_object")',
    "time": 'factory.Faker("time_object")',
    "uuid": 'factory.Faker("uuid4", cast_to=None)',
    "json": "factory.Dict({})",
    "binary": 'factory.Faker("binary", length=16)',
    "interval": "datetime.timedelta(minutes=30)",
}


def faker_declaration(
    column: ColumnInfo, model_name: str
) -> tuple[str, set[tuple[str, str | None]]]:
    """Factory Boy source for a column, and the imports it needs."""
    kind = column_kind(column)
    name = column.key
    length = getattr(column.sa_type, "length", None)
    imports: set[tuple[str, str | None]] = set()
    if kind == "enum":
        enum_class = column.enum_class
        if enum_class is not None:
            imports.add((enum_class.__module__, enum_class.__name__))
            return f"factory.Iterator(list({enum_class.__name__}))", imports
        return f"factory.Iterator({list(getattr(column.sa_type, 'enums', []))!r})", imports
    if kind == "string":
        if column.unique:
            stem = "user{n}@example.com" if "email" in name.lower() else f"{name}-{{n}}"
            if length and len(stem) + 4 > length:
                stem = "{n}"
            return f'factory.Sequence(lambda n: f"{stem}")', imports
        match = _name_match(name)
        # A long text column with a name that says nothing still holds prose, not a code.
        prose = isinstance(column.sa_type, sa.Text) and not length
        provider = match[0] if match else ("paragraph" if prose else "pystr")
        if provider == "pystr":
            size = min(length or 20, 20)
            return f'factory.Faker("pystr", min_chars=1, max_chars={size})', imports
        # Faker's text never goes past max_nb_chars; a paragraph of String(200) sometimes did.
        if length and provider == "paragraph" and length >= 5:
            return f'factory.Faker("text", max_nb_chars={length})', imports
        arguments = ", nb_words=4" if provider == "sentence" else ""
        if length and longest_sample(provider, arguments) > length:
            # PostgreSQL refuses a value longer than the column where SQLite keeps it: cut it.
            imports.add(("faker", "Faker"))
            call = f"fake.{provider}({arguments[2:]})"
            return f"factory.LazyFunction(lambda: {call}[:{length}])", imports
        return f'factory.Faker("{provider}"{arguments})', imports
    if kind == "integer":
        if column.unique:
            return "factory.Sequence(lambda n: n + 1)", imports
        return 'factory.Faker("pyint", min_value=1, max_value=500)', imports
    if kind == "decimal":
        return numeric_declaration(column.sa_type), imports
    if kind == "datetime" and getattr(column.sa_type, "timezone", False):
        imports.add(("datetime", None))
        return 'factory.Faker("date_time", tzinfo=datetime.timezone.utc)', imports
    if kind == "interval":
        imports.add(("datetime", None))
    if kind in _DECLARATION_BY_KIND:
        return _DECLARATION_BY_KIND[kind], imports
    return f'factory.Sequence(lambda n: "{model_name.lower()}-{name}-{{n}}")', imports


def numeric_declaration(type_: Any) -> str:
    """A pydecimal that fits Numeric(precision, scale): the database rounds or refuses others."""
    precision, scale = getattr(type_, "precision", None), getattr(type_, "scale", None)
    if precision is None:
        return _DECLARATION_BY_KIND["decimal"]
    right = scale if scale is not None else 0
    left = max(min(precision - right, 4), 0)
    if left == 0:
        return f'factory.Faker("pydecimal", left_digits=0, right_digits={right}, positive=True)'
    return f'factory.Faker("pydecimal", left_digits={left}, right_digits={right}, positive=True)'


@functools.cache
def longest_sample(provider: str, arguments: str = "") -> int:
    """The longest of many values a Faker provider gives: looked at, not guessed."""
    from faker import Faker

    fake = Faker()
    fake.seed_instance(0)
    method = getattr(fake, provider)
    keywords = {"nb_words": 4} if arguments else {}
    return max(len(str(method(**keywords))) for _ in range(200))


def python_value(value: Any) -> Any:
    """A JSON-friendly form of a Python value, for comparing with response bodies."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value
