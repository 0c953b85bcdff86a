"""Sample bodies and wrong query arguments from flask-restx field models and request parsers."""

from __future__ import annotations

import decimal
from typing import Any

from ..code import Code
from .schemas import BodySpec
from .values import sample_for_name

_SKIP = object()
_DATETIME = "2024-01-15T09:30:00Z"  # RFC 3339, so a format checker accepts it too
_DATE = "2024-01-15"
_QUERY_LOCATIONS = ("args", "values", "query")


def is_restx_model(obj: Any) -> bool:
    """True for a model made with api.model(), ns.model() or ns.schema_model()."""
    try:
        from flask_restx.model import ModelBase  # type: ignore[import-untyped]
    except ImportError:
        return False
    return isinstance(obj, ModelBase)


def is_request_parser(obj: Any) -> bool:
    """True for a flask-restx reqparse.RequestParser."""
    try:
        from flask_restx.reqparse import RequestParser  # type: ignore[import-untyped]
    except ImportError:
        return False
    return isinstance(obj, RequestParser)


def restx_body(expected: Any) -> BodySpec | None:
    """The body for what `@ns.expect(...)` names: a model, [model], (model, text) or a parser."""
    if isinstance(expected, list | tuple) and expected:
        # (model, "description") documents one object; restx validates a lone object
        # against [model] as a list of one, so the same body serves both.
        return restx_body(expected[0])
    if is_request_parser(expected):
        return _parser_body(expected)
    if not is_restx_model(expected):
        return None
    source = f"flask-restx model {expected.name}"
    fields_of = getattr(expected, "resolved", None)
    if fields_of is None:
        body, required = _json_schema_body(getattr(expected, "_schema", {}) or {})
        return BodySpec(body, "json", source, required)
    body, required = _model_fields(fields_of)
    return BodySpec(body, "json", source, required)


def _model_fields(model: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    body: dict[str, Any] = {}
    required = []
    for name, declared in model.items():
        field = declared() if isinstance(declared, type) else declared
        if getattr(field, "readonly", False):
            continue
        value = _field_value(name, field)
        if field.required:
            required.append(name)
        if value is not _SKIP and (field.required or isinstance(value, str | int | float | Code)):
            body[name] = value
    return body, tuple(required)


def _field_value(name: str, field: Any) -> Any:
    from flask_restx import fields  # type: ignore[import-untyped]

    if isinstance(field, fields.Polymorph | fields.Wildcard):
        return _SKIP
    if isinstance(field, fields.Nested):
        nested, _ = _model_fields(field.nested)
        return [nested] if field.as_list else nested
    if isinstance(field, fields.List):
        item = _field_value(name, field.container)
        if field.min_items and item is not _SKIP:
            return [item]
        return [] if field.required else _SKIP
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.Date):
        return _DATE if field.required else _SKIP
    if isinstance(field, fields.DateTime):
        return _DATETIME if field.required else _SKIP
    if isinstance(field, fields.Integer):
        return _lowest(field, 1)
    if isinstance(field, fields.Float | fields.Arbitrary | fields.Fixed):
        return float(_lowest(field, 1.5))
    if isinstance(field, fields.Url):
        return "https://example.com/page"
    if isinstance(field, fields.String):
        return _string_value(name, field)
    return {} if field.required and type(field) is fields.Raw else _SKIP


def _lowest(field: Any, fallback: float) -> Any:
    low = getattr(field, "minimum", None)
    return low if isinstance(low, int | float) and low > fallback else fallback


def _string_value(name: str, field: Any) -> Any:
    choices = field.enum() if callable(field.enum) else field.enum
    if choices:
        return next(iter(choices))
    value = sample_for_name(name, "string", field.max_length)
    if isinstance(value, str) and field.min_length:
        value = value.ljust(int(field.min_length), "x")
    return value


def _json_schema_body(schema: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Sample values for the plain properties of a raw JSON schema (ns.schema_model)."""
    kinds = {"string": "string", "integer": "integer", "number": "float", "boolean": "boolean"}
    required = tuple(schema.get("required", []))
    body: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or prop.get("readOnly"):
            continue
        if prop.get("enum"):
            body[name] = prop["enum"][0]
        elif prop.get("type") in kinds:
            value = sample_for_name(name, kinds[prop["type"]], prop.get("maxLength"))
            if isinstance(value, str) and prop.get("minLength"):
                value = value.ljust(int(prop["minLength"]), "x")
            body[name] = value
    return body, required


def _parser_body(parser: Any) -> BodySpec | None:
    body: dict[str, Any] = {}
    required = []
    kind = "json"
    for argument in parser.args:
        locations = _locations(argument)
        if not {"json", "form", "values"} & set(locations):
            continue
        if "json" not in locations:
            kind = "form"
        value = _argument_value(argument)
        if value is _SKIP:
            continue
        if argument.required:
            required.append(argument.name)
        body[argument.name] = [value] if argument.action == "append" else value
    if not body:
        return None
    if kind == "form":
        body = {k: str(v) if isinstance(v, bool | int | float) else v for k, v in body.items()}
    return BodySpec(body, kind, "flask-restx request parser", tuple(required))


def _locations(argument: Any) -> tuple[str, ...]:
    location = argument.location
    return (location,) if isinstance(location, str) else tuple(location)


def _argument_value(argument: Any) -> Any:
    from flask_restx import inputs
    from werkzeug.datastructures import FileStorage

    if argument.choices:
        return next(iter(argument.choices))
    kind = argument.type
    if kind is FileStorage:
        return _SKIP
    if kind is bool or kind is inputs.boolean:
        return True
    if kind is int or kind in (inputs.natural, inputs.positive):
        return 1
    if isinstance(kind, inputs.int_range):
        return kind.low
    if kind is float or kind is decimal.Decimal:
        return 1.5
    if kind in (inputs.date, inputs.date_from_iso8601):
        return _DATE
    if kind is inputs.datetime_from_iso8601:
        return _DATETIME
    if isinstance(kind, inputs.email):
        return "new.user@example.com"
    if isinstance(kind, inputs.URL):
        return "https://example.com/page"
    if kind is str:
        return sample_for_name(argument.name, "string")
    return _SKIP


def restx_wrong_query(parser: Any) -> dict[str, str]:
    """Query values a parser's types or choices refuse, e.g. page=not-a-number."""
    from flask_restx import inputs

    numbers = (int, float, decimal.Decimal, inputs.natural, inputs.positive)
    dates = (inputs.date, inputs.date_from_iso8601, inputs.datetime_from_iso8601)
    wrong: dict[str, str] = {}
    for argument in parser.args:
        if not set(_locations(argument)) & set(_QUERY_LOCATIONS):
            continue
        kind = argument.type
        if argument.choices:
            wrong[argument.name] = "not-a-choice"
        elif kind in numbers or isinstance(kind, inputs.int_range):
            wrong[argument.name] = "not-a-number"
        elif kind is inputs.boolean:
            wrong[argument.name] = "not-a-boolean"
        elif kind in dates:
            wrong[argument.name] = "not-a-date"
    return wrong
