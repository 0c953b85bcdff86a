"""Find the body an endpoint expects (schemas, forms, the view's own code) and write a sample."""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from typing import Any

from ..code import Code, RowReference, snake
from ..reading.models import ColumnInfo, ModelInfo
from ..reading.view_source import code_objects, keys_read
from .declared_schemas import declared_body
from .schemas import BodySpec, marshmallow_body, pydantic_body
from .values import TEST_PASSWORD, column_kind, is_password_name, sample_for_name

_BODY_READERS = frozenset(("get_json", "json", "form", "values", "data"))


def _unwrap(view: Callable[..., Any]) -> Callable[..., Any]:
    unwrapped: Callable[..., Any] = inspect.unwrap(view)
    return unwrapped


def referenced_objects(view: Callable[..., Any]) -> tuple[list[Any], set[str], set[str]]:
    """Globals a view refers to, the attribute names it uses, and its string constants."""
    function = _unwrap(view)
    code = getattr(function, "__code__", None)
    if code is None:
        return [], set(), set()
    namespace = getattr(function, "__globals__", {})
    objects: list[Any] = []
    names: set[str] = set()
    strings: set[str] = set()
    for item in code_objects(code):
        names.update(item.co_names)
        strings.update(c for c in item.co_consts if isinstance(c, str) and c.isidentifier())
        for name in item.co_names:
            if name in namespace:
                objects.append(namespace[name])
    closure = getattr(function, "__closure__", None) or ()
    for cell in closure:
        try:
            objects.append(cell.cell_contents)
        except ValueError:
            continue
    return objects, names, strings


def body_for(view: Callable[..., Any] | None, model: ModelInfo | None) -> BodySpec | None:
    """The best-known body for a view: declared schema, form, or fields the code reads."""
    if view is None:
        return None
    declared = declared_body(view)
    if declared is not None:
        return declared
    objects, names, strings = referenced_objects(view)
    for obj in objects:
        spec = form_body(obj) or (marshmallow_body(obj, "json") if "load" in names else None)
        spec = spec or pydantic_body(obj)
        if spec is not None:
            return spec
    reads_body = bool(names & _BODY_READERS) or any(
        _reads_body(obj) for obj in objects if inspect.isfunction(obj)
    )
    if model is not None and reads_body:
        spec = _model_body(model, strings)
        read = keys_read(view)
        if spec is not None and read is not None:
            # The columns say what to send; the view's code says whether as a form or as JSON,
            # and names what no column holds (a plain password that the model hashes).
            keys, spec.kind = read
            for key in keys:
                spec.fields.setdefault(key, sample_for_name(key))
        return spec
    return _body_of_keys_read(view)


def _body_of_keys_read(view: Callable[..., Any]) -> BodySpec | None:
    """A body made of the keys the view's code reads, with values chosen by their names."""
    found = keys_read(view)
    if found is None:
        return None
    keys, kind = found
    body = {key: TEST_PASSWORD if is_password_name(key) else sample_for_name(key) for key in keys}
    return BodySpec(body, kind, "keys the view reads", tuple(keys))


def _reads_body(helper: types.FunctionType) -> bool:
    """Whether a helper the view calls (e.g. one that checks the JSON) reads the request body."""
    return any(_BODY_READERS & set(code.co_names) for code in code_objects(helper.__code__))


class RowChoice(str):
    """A select field whose choices the view fills from the database: a row's key goes here."""


def form_body(obj: Any) -> BodySpec | None:
    """A body a Flask-WTF form class accepts: a value per field, fitted to its validators."""
    try:
        from flask_wtf import FlaskForm  # type: ignore[import-untyped]
    except ImportError:
        return None
    if not (inspect.isclass(obj) and issubclass(obj, FlaskForm)):
        return None
    body: dict[str, Any] = {}
    equal_to: dict[str, str] = {}
    for name, unbound in _unbound_fields(obj):
        field_class = unbound.field_class.__name__
        if field_class in ("SubmitField", "HiddenField", "CSRFTokenField", "FileField"):
            continue
        validators = unbound.kwargs.get("validators") or (
            unbound.args[1] if len(unbound.args) > 1 else []
        )
        value = _field_value(name, field_class, unbound.kwargs, validators)
        if value is not None:
            body[name] = value
        other = next((v.fieldname for v in validators if type(v).__name__ == "EqualTo"), None)
        if other:
            equal_to[name] = other
    for name, other in equal_to.items():
        # "Repeat the password": the same value as the field it must equal.
        if other in body:
            body[name] = body[other]
    return BodySpec(body, "form", f"form {obj.__name__}", tuple(body))


def _field_value(name: str, field_class: str, kwargs: dict[str, Any], validators: Any) -> Any:
    by_type = {type(v).__name__: v for v in validators}
    if field_class == "BooleanField":
        return "y"
    if field_class in ("SelectField", "RadioField", "SelectMultipleField"):
        choices = kwargs.get("choices") or []
        if not choices or callable(choices):
            return RowChoice("1")
        first = choices[0]
        return str(first[0] if isinstance(first, tuple | list) else first)
    any_of = by_type.get("AnyOf")
    if any_of is not None and any_of.values:
        return str(any_of.values[0])
    if field_class in ("IntegerField", "DecimalField", "FloatField") or "NumberRange" in by_type:
        low = getattr(by_type.get("NumberRange"), "min", None)
        return str(low if low is not None else 1)
    if "Email" in by_type or field_class == "EmailField":
        return "user@example.com"
    if "URL" in by_type or field_class == "URLField":
        return "https://example.com/"
    if field_class == "DateField":
        return "2024-01-15"
    length = by_type.get("Length")
    maximum = getattr(length, "max", None)
    value = sample_for_name(name, "string", maximum if maximum and maximum > 0 else None)
    minimum = getattr(length, "min", None)
    if isinstance(value, str) and minimum and minimum > 0:
        value = value.ljust(int(minimum), "x")
    return value


def _unbound_fields(form_class: Any) -> list[tuple[str, Any]]:
    from wtforms.fields.core import UnboundField  # type: ignore[import-untyped]

    found = [(name, getattr(form_class, name)) for name in dir(form_class) if name[:1] != "_"]
    unbound = [(name, value) for name, value in found if isinstance(value, UnboundField)]
    return sorted(unbound, key=lambda item: item[1].creation_counter)


def _reference(column: ColumnInfo) -> RowReference | None:
    target = column.foreign_model
    key = next(iter(column.column.foreign_keys)).column.key
    if target is None or key is None:
        return None
    return RowReference(f"{snake(target.__name__)}.{key}", target.__name__)


def _model_body(model: ModelInfo, strings: set[str]) -> BodySpec | None:
    usable = [
        c
        for c in model.columns
        if not c.primary_key and c.foreign_model is None and column_kind(c) != "binary"
    ]
    read = [c for c in usable if c.key in strings]
    # A key the view reads names a row that must exist: the case creates one and sends its key.
    references = {
        c.key: _reference(c)
        for c in model.columns
        if c.foreign_model is not None and c.key in strings and not c.primary_key
    }
    chosen = read or [c for c in usable if not c.nullable and not c.has_default]
    if not chosen:
        return None
    body: dict[str, Any] = {}
    for column in chosen:
        kind = column_kind(column)
        if kind == "enum":
            members = list(column.enum_class or getattr(column.sa_type, "enums", []))
            if not members:
                continue
            first = members[0]
            body[column.key] = getattr(first, "value", first)
        elif is_password_name(column.key):
            body[column.key] = Code("TEST_PASSWORD")
        else:
            body[column.key] = sample_for_name(
                column.key, kind, getattr(column.sa_type, "length", None)
            )
    if read:
        body.update({key: ref for key, ref in references.items() if ref is not None})
    source = "fields the view reads" if read else f"required columns of {model.name}"
    return BodySpec(body, "json", source, tuple(body))
