"""Find the body an endpoint expects (schemas, forms, the view's own code) and write a sample."""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Iterator
from typing import Any

from ..code import Code, RowReference, snake
from ..reading.models import ColumnInfo, ModelInfo
from ..reading.view_source import keys_read
from .declared_schemas import declared_body
from .schemas import BodySpec, marshmallow_body, pydantic_body
from .values import TEST_PASSWORD, column_kind, is_password_name, sample_for_name

_BODY_READERS = frozenset(("get_json", "json", "form", "values", "data"))


def _code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


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
    for item in _code_objects(code):
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
        spec = _form_body(obj) or (marshmallow_body(obj, "json") if "load" in names else None)
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
    return any(_BODY_READERS & set(code.co_names) for code in _code_objects(helper.__code__))


def _form_body(obj: Any) -> BodySpec | None:
    try:
        from flask_wtf import FlaskForm  # type: ignore[import-untyped]
        from wtforms import validators as wtf_validators  # type: ignore[import-untyped]
    except ImportError:
        return None
    if not (inspect.isclass(obj) and issubclass(obj, FlaskForm)):
        return None
    body: dict[str, Any] = {}
    for name, unbound in _unbound_fields(obj):
        field_class = unbound.field_class.__name__
        validators = unbound.kwargs.get("validators") or (
            unbound.args[1] if len(unbound.args) > 1 else []
        )
        length = next((v for v in validators if isinstance(v, wtf_validators.Length)), None)
        if field_class in ("SubmitField", "HiddenField", "CSRFTokenField", "FileField"):
            continue
        if field_class == "BooleanField":
            body[name] = "y"
        elif field_class in ("SelectField", "RadioField"):
            choices = unbound.kwargs.get("choices") or []
            if choices:
                first = choices[0]
                body[name] = str(first[0] if isinstance(first, tuple | list) else first)
        elif field_class in ("IntegerField", "DecimalField", "FloatField"):
            body[name] = "1"
        else:
            value = sample_for_name(name, "string", getattr(length, "max", None))
            if isinstance(value, str) and length is not None and length.min and length.min > 0:
                value = value.ljust(int(length.min), "x")
            body[name] = value
    return BodySpec(body, "form", f"form {obj.__name__}", tuple(body))


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
