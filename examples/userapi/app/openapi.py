"""The OpenAPI 3.1 document, built from the URL map, the views' declarations and pydantic models."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from app.schemas import ErrorEnvelope

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.routing import Rule

ViewT = TypeVar("ViewT", bound=Callable[..., Any])
Auth = Literal["none", "optional", "required"]

_ATTRIBUTE = "openapi_operation"
_REF_TEMPLATE = "#/components/schemas/{model}"
_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_SECURITY: dict[Auth, list[dict[str, list[str]]]] = {
    "none": [],
    # The empty requirement makes the token optional: anyone may call, admins get more.
    "optional": [{}, {"bearerAuth": []}],
    "required": [{"bearerAuth": []}],
}


@dataclass(frozen=True)
class Operation:
    """What one view accepts and answers, beyond what its URL rule already says."""

    summary: str
    responses: Mapping[int, type[BaseModel] | None]
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    auth: Auth = "none"

    def error_statuses(self, has_path_parameters: bool) -> list[int]:
        """Every error status this operation can answer, the generic ones included."""
        # Every operation refuses a client whose Accept header rules out JSON.
        statuses = {406, *self.errors}
        if self.body is not None:
            # Malformed JSON, an oversized body, a non-JSON body, and invalid fields.
            statuses |= {400, 413, 415, 422}
        if self.query is not None:
            statuses.add(422)
        if self.auth != "none":
            statuses.add(401)
        if has_path_parameters:
            statuses.add(404)
        return sorted(statuses)


def documented(
    summary: str,
    responses: Mapping[int, type[BaseModel] | None],
    errors: tuple[int, ...] = (),
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    auth: Auth = "none",
) -> Callable[[ViewT], ViewT]:
    """Declare a view's summary, bodies, query, errors and auth for the OpenAPI document."""
    operation = Operation(summary, responses, errors, body, query, auth)

    def attach(view: ViewT) -> ViewT:
        setattr(view, _ATTRIBUTE, operation)
        return view

    return attach


def build_document(app: Flask, title: str, version: str) -> dict[str, Any]:
    """Describe every documented view of `app` as an OpenAPI 3.1 document."""
    found: list[tuple[Rule, str, Operation]] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        operation = getattr(app.view_functions[rule.endpoint], _ATTRIBUTE, None)
        if operation is not None:
            methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            found.extend((rule, method, operation) for method in methods)
    refs, components = _component_schemas(operation for _, _, operation in found)
    paths: dict[str, dict[str, Any]] = {}
    for rule, method, operation in found:
        path = _PARAMETER.sub(r"{\1}", rule.rule)
        paths.setdefault(path, {})[method.lower()] = _operation_object(
            rule, method, operation, refs
        )
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _operation_object(
    rule: Rule, method: str, operation: Operation, refs: Mapping[type[BaseModel], Any]
) -> dict[str, Any]:
    parameters = _path_parameters(rule) + _query_parameters(operation.query)
    responses: dict[str, Any] = {}
    for status, model in operation.responses.items():
        responses[str(status)] = _response(status, refs.get(model) if model else None)
    for status in operation.error_statuses(bool(rule.arguments)):
        responses[str(status)] = _response(status, refs[ErrorEnvelope])
    document: dict[str, Any] = {
        # Endpoints read "api.users.list_users"; the API prefix adds nothing to an id.
        "operationId": rule.endpoint.split(".", 1)[-1],
        "summary": operation.summary,
        "security": _SECURITY[operation.auth],
        "responses": responses,
    }
    if parameters:
        document["parameters"] = parameters
    if operation.body is not None:
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[operation.body]}},
        }
    return document


def _response(status: int, schema: Any | None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": HTTPStatus(status).phrase}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return response


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    parameters = []
    for name in sorted(rule.arguments):
        # Only Werkzeug's unsigned `int` converter appears in this API's URLs.
        schema = {"type": "integer", "minimum": 0}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _query_parameters(model: type[BaseModel] | None) -> list[dict[str, Any]]:
    if model is None:
        return []
    schema = _without_null_defaults(model.model_json_schema())
    return [
        {"name": name, "in": "query", "required": False, "schema": property_schema}
        for name, property_schema in schema["properties"].items()
    ]


def _component_schemas(
    operations: Iterable[Operation],
) -> tuple[dict[type[BaseModel], Any], dict[str, Any]]:
    inputs: set[type[BaseModel]] = set()
    outputs: set[type[BaseModel]] = {ErrorEnvelope}
    for operation in operations:
        if operation.body is not None:
            inputs.add(operation.body)
        outputs.update(model for model in operation.responses.values() if model is not None)
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (model, "validation") for model in sorted(inputs, key=lambda m: m.__name__)
    ]
    models += [(model, "serialization") for model in sorted(outputs, key=lambda m: m.__name__)]
    keys, definitions = models_json_schema(models, ref_template=_REF_TEMPLATE)
    refs = {model: keys[(model, mode)] for model, mode in models}
    return refs, _without_null_defaults(definitions.get("$defs", {}))


def _without_null_defaults(schema: Any) -> Any:
    # Optional update fields default to "not sent", which pydantic writes as `default: null`;
    # null is not a value those fields accept, so it must not appear in the contract.
    if isinstance(schema, dict):
        return {
            key: _without_null_defaults(value)
            for key, value in schema.items()
            if not (key == "default" and value is None)
        }
    if isinstance(schema, list):
        return [_without_null_defaults(item) for item in schema]
    return schema
