"""Sample bodies and wrong query arguments from declared schemas: marshmallow and pydantic."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from ..code import Code
from .values import is_password_name, sample_for_name

_SKIP = object()


@dataclass
class BodySpec:
    """A request body to send: its fields as literals, and how to send it."""

    fields: dict[str, Any]
    kind: str  # "json" or "form"
    source: str  # where the fields came from, for the summary
    required: tuple[str, ...] = ()

    def invalid(self) -> dict[str, Any] | None:
        """A body of the same fields with values of the wrong type, if that can be written."""
        if self.kind != "json":
            return None
        wrong: dict[str, Any] = {}
        for key, value in self.fields.items():
            if isinstance(value, bool | int | float):
                wrong[key] = "not-a-number" if not isinstance(value, bool) else "not-a-boolean"
            elif isinstance(value, str | Code):
                wrong[key] = 12345
            else:
                wrong[key] = "wrong-type"
        return wrong or None


def marshmallow_body(obj: Any, kind: str, source: str = "marshmallow schema") -> BodySpec | None:
    try:
        from marshmallow import Schema, fields, validate
    except ImportError:
        return None
    if inspect.isclass(obj) and issubclass(obj, Schema):
        obj = obj()
    if not isinstance(obj, Schema):
        return None
    body: dict[str, Any] = {}
    required = []
    for name, field in obj.load_fields.items():
        key = field.data_key or name
        value = _marshmallow_value(key, field, fields, validate)
        if field.required:
            required.append(key)
        if value is not _SKIP and (field.required or _simple(value)):
            body[key] = value
    return BodySpec(body, kind, f"{source} {type(obj).__name__}", tuple(required))


def _simple(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | Code)


def _marshmallow_value(name: str, field: Any, fields: Any, validate: Any) -> Any:
    for validator in getattr(field, "validators", []):
        if isinstance(validator, validate.OneOf) and validator.choices:
            return next(iter(validator.choices))
    length = next((v for v in field.validators if isinstance(v, validate.Length)), None)
    ranged = next((v for v in field.validators if isinstance(v, validate.Range)), None)
    if isinstance(field, fields.Enum):
        member = next(iter(field.enum))
        return member.value if field.by_value else member.name
    if isinstance(field, fields.Email):
        return "new.user@example.com"
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.Integer):
        low = getattr(ranged, "min", None)
        return int(low) if low is not None and low > 1 else 1
    if isinstance(field, fields.Float | fields.Decimal | fields.Number):
        return 1.5
    if isinstance(field, fields.DateTime):
        return "2024-01-15T09:30:00" if field.required else _SKIP
    if isinstance(field, fields.Date):
        return "2024-01-15" if field.required else _SKIP
    if isinstance(field, fields.Nested):
        nested = marshmallow_body(field.schema, "json")
        return [nested.fields] if field.many and nested else nested.fields if nested else _SKIP
    if isinstance(field, fields.List):
        return [] if field.required else _SKIP
    if isinstance(field, fields.String):
        value = sample_for_name(name, "string", getattr(length, "max", None))
        if isinstance(value, str) and length is not None and length.min:
            value = value.ljust(int(length.min), "x")
        return value
    return _SKIP


def pydantic_body(obj: Any) -> BodySpec | None:
    try:
        from pydantic import BaseModel
    except ImportError:
        return None
    if not (inspect.isclass(obj) and issubclass(obj, BaseModel)):
        return None
    body: dict[str, Any] = {}
    required = []
    optional: dict[str, Any] = {}
    for name, info in obj.model_fields.items():
        key = info.alias or name
        value = _pydantic_value(key, info)
        if value is _SKIP:
            continue
        if info.is_required():
            required.append(key)
            body[key] = value
        elif isinstance(value, str) and not is_password_name(key):
            optional.setdefault(key, value)
    if not body and optional:
        # A partial update: one plain field is enough to change something.
        key = next(iter(optional))
        body[key] = optional[key]
    return BodySpec(body, "json", f"pydantic model {obj.__name__}", tuple(required))


def _pydantic_value(key: str, info: Any) -> Any:
    import enum
    import typing

    annotation = info.annotation
    options = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Union and len(options) == 1:
        annotation = options[0]
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return next(iter(annotation)).value
    kinds = {str: "string", int: "integer", float: "float", bool: "boolean"}
    if annotation not in kinds:
        return _SKIP
    max_length = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)
    value = sample_for_name(key, kinds[annotation], max_length)
    min_length = next((m.min_length for m in info.metadata if getattr(m, "min_length", None)), None)
    if isinstance(value, str) and min_length:
        value = value.ljust(int(min_length), "x")
    return value


def wrong_query_values(schema: Any) -> dict[str, str]:
    """Query values a marshmallow schema or pydantic model refuses, e.g. page=not-a-number."""
    wrong: dict[str, str] = {}
    try:
        from pydantic import BaseModel
    except ImportError:
        BaseModel = None  # type: ignore[assignment,misc]
    if BaseModel is not None and inspect.isclass(schema) and issubclass(schema, BaseModel):
        for name, info in schema.model_fields.items():
            value = _pydantic_value(info.alias or name, info)
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                wrong[info.alias or name] = "not-a-number"
        return wrong
    try:
        from marshmallow import Schema, fields
    except ImportError:
        return wrong
    if inspect.isclass(schema) and issubclass(schema, Schema):
        schema = schema()
    if isinstance(schema, Schema):
        for name, field in schema.load_fields.items():
            if isinstance(field, fields.Number):
                wrong[field.data_key or name] = "not-a-number"
            elif isinstance(field, fields.Enum):
                wrong[field.data_key or name] = "not-a-choice"
    return wrong
