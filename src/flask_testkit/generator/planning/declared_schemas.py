"""The request schemas a view declares through its framework: smorest, APIFlask, APIFairy, restx."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .restx_schemas import is_request_parser, restx_body, restx_wrong_query
from .schemas import BodySpec, marshmallow_body, pydantic_body, wrong_query_values

# Where APIFlask's @input(location=...) puts the data, by the content type it records.
_APIFLASK_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_QUERY_LOCATIONS = ("query", "querystring")


def declared_body(view: Callable[..., Any]) -> BodySpec | None:
    """The body schema the view's framework validates, as a sample body."""
    apidoc = getattr(view, "_apidoc", None) or {}
    for parameter in apidoc.get("arguments", {}).get("parameters", []):
        if isinstance(parameter, dict) and parameter.get("in") in ("json", "form"):
            kind = "form" if parameter["in"] == "form" else "json"
            return marshmallow_body(parameter["schema"], kind, "flask-smorest arguments")
    for value in _view_attributes(view):
        # Apps that describe their views for OpenAPI often hang the body model on the view.
        for attribute in ("body", "request_body", "schema", "input"):
            declared = getattr(value, attribute, None)
            if declared is not None:
                spec = pydantic_body(declared) or marshmallow_body(declared, "json")
                if spec is not None:
                    return spec
    return _apiflask_body(view) or _restx_body(view)


def _view_attributes(view: Callable[..., Any]) -> Iterator[Any]:
    for value in vars(view).values():
        if not isinstance(value, dict | list | tuple):
            yield value


def _apiflask_body(view: Callable[..., Any]) -> BodySpec | None:
    spec = getattr(view, "_spec", None)
    body = spec.get("body") if isinstance(spec, dict) else None
    if body is None:
        return None
    if isinstance(body, tuple) and body:
        # APIFairy's @body keeps (schema, location, media type) under the same name.
        schema, location = body[0], body[1] if len(body) > 1 else "json"
        kind = "form" if location in ("form", "files") else "json"
        return marshmallow_body(schema, kind, "APIFairy body")
    content_type = spec.get("content_type") if isinstance(spec, dict) else None
    kind = "form" if content_type in _APIFLASK_FORM_TYPES else "json"
    return marshmallow_body(body, kind, "APIFlask input") or pydantic_body(body)


def _restx_body(view: Callable[..., Any]) -> BodySpec | None:
    apidoc = getattr(view, "__apidoc__", None)
    if not isinstance(apidoc, dict):
        return None
    declared = [apidoc["body"]] if apidoc.get("body") is not None else []
    for expected in declared + list(apidoc.get("expect") or []):
        spec = restx_body(expected)
        if spec is not None:
            return spec
    return None


def declared_query_schemas(view: Callable[..., Any]) -> list[Any]:
    """Schemas (or restx parsers) the view's framework checks query arguments against."""
    declared: list[Any] = []
    apidoc = getattr(view, "_apidoc", None) or {}
    for parameter in apidoc.get("arguments", {}).get("parameters", []):
        if isinstance(parameter, dict) and parameter.get("in") == "query":
            declared.append(parameter["schema"])
    for value in _view_attributes(view):
        for attribute in ("query", "query_schema", "args"):
            found = getattr(value, attribute, None)
            if found is not None:
                declared.append(found)
    spec = getattr(view, "_spec", None)
    if isinstance(spec, dict):
        for schema, location in spec.get("args") or []:
            if location in _QUERY_LOCATIONS:
                declared.append(schema)
    restx = getattr(view, "__apidoc__", None)
    if isinstance(restx, dict):
        declared += [e for e in restx.get("expect") or [] if is_request_parser(e)]
    return declared


def invalid_query(view: Callable[..., Any] | None) -> dict[str, str] | None:
    """Query arguments of the wrong type for a view that declares its query parameters."""
    if view is None:
        return None
    for schema in declared_query_schemas(view):
        wrong = (
            restx_wrong_query(schema) if is_request_parser(schema) else wrong_query_values(schema)
        )
        if wrong:
            return wrong
    return None
