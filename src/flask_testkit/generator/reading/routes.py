"""Read the app's url_map: one Endpoint per rule and method, with the view that handles it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

from ...endpoint_coverage.routes import is_development_page, is_framework_page

_IMPLICIT_METHODS = {"HEAD", "OPTIONS"}
_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Argument:
    """A variable part of a rule, e.g. <int:user_id>."""

    name: str
    converter: str


@dataclass(frozen=True)
class Endpoint:
    """One rule answering one method."""

    rule: str
    endpoint: str
    method: str
    methods: frozenset[str]
    arguments: tuple[Argument, ...]
    view: Callable[..., Any] | None
    redirect_to: str | None = None
    namespace: str | None = None  # the flask-restx Namespace that holds the resource

    @property
    def blueprint(self) -> str | None:
        """The blueprint's name (a restx resource's namespace), or None for routes on the app."""
        if self.namespace:
            return self.namespace
        head, dot, _ = self.endpoint.rpartition(".")
        return head if dot else None

    @property
    def label(self) -> str:
        """METHOD /rule, as the summary shows it."""
        return f"{self.method} {self.rule}"

    @property
    def static_segments(self) -> list[str]:
        """The rule's fixed path segments, in order."""
        return [part for part in self.rule.strip("/").split("/") if part and "<" not in part]

    @property
    def function_name(self) -> str:
        """A snake_case name for tests of this endpoint."""
        name = self.endpoint.rpartition(".")[2]
        if self.namespace and name.startswith(f"{self.namespace}_"):
            # restx names the endpoint <namespace>_<resource>; the test file names the first.
            name = name[len(self.namespace) + 1 :]
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).strip("_")
        verb = self.method.lower()
        return snake if snake.startswith(verb) or self.view_is_function else f"{verb}_{snake}"

    @property
    def view_is_function(self) -> bool:
        """True when the endpoint is served by one function for all its methods."""
        return len(self.methods) == 1


def discover_endpoints(app: Flask) -> list[Endpoint]:
    """Every rule x method of the app, static files and implicit HEAD/OPTIONS left out."""
    endpoints = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        view = app.view_functions.get(rule.endpoint)
        if is_framework_page(rule.endpoint, view) or is_development_page(view):
            continue
        methods = frozenset((rule.methods or set()) - _IMPLICIT_METHODS)
        arguments = _arguments(rule)
        namespace = restx_namespace(view)
        for method in sorted(methods, key=_method_rank):
            endpoints.append(
                Endpoint(
                    rule=rule.rule,
                    endpoint=rule.endpoint,
                    method=method,
                    methods=methods,
                    arguments=arguments,
                    view=handler_for(view, method),
                    redirect_to=rule.redirect_to if isinstance(rule.redirect_to, str) else None,
                    namespace=namespace,
                )
            )
    return endpoints


def handler_for(view: Callable[..., Any] | None, method: str) -> Callable[..., Any] | None:
    """The function that really runs for method: a MethodView's method, or the view itself."""
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        handler = getattr(view_class, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(view_class, "get", None)
        return handler if callable(handler) else view
    return view


def framework_pages(app: Flask) -> list[str]:
    """The rules of the docs pages an API framework serves by itself, which get no tests."""
    return sorted(
        {
            rule.rule
            for rule in app.url_map.iter_rules()
            if is_framework_page(rule.endpoint, app.view_functions.get(rule.endpoint))
        }
    )


def development_pages(app: Flask) -> list[str]:
    """The rules a development tool (a debug toolbar, a profiler) added, which get no tests."""
    return sorted(
        {
            rule.rule
            for rule in app.url_map.iter_rules()
            if is_development_page(app.view_functions.get(rule.endpoint))
        }
    )


def restx_namespace(view: Callable[..., Any] | None) -> str | None:
    """The name of the flask-restx Namespace a resource was added to, if the view is one."""
    resource = getattr(view, "view_class", None)
    module = sys.modules.get(getattr(resource, "__module__", "") or "")
    if resource is None or module is None or "flask_restx" not in sys.modules:
        return None
    from flask_restx import Namespace  # type: ignore[import-untyped]

    for value in vars(module).values():
        if isinstance(value, Namespace) and any(r.resource is resource for r in value.resources):
            return str(value.name)
    return None


def _arguments(rule: Rule) -> tuple[Argument, ...]:
    converters: dict[str, Any] = getattr(rule, "_converters", {})
    return tuple(
        Argument(name, type(converters[name]).__name__ if name in converters else "")
        for name in _ordered_arguments(rule)
    )


def _ordered_arguments(rule: Rule) -> list[str]:
    return [name for name, _ in rule_tokens(rule.rule) if name in rule.arguments]


def rule_tokens(rule: str) -> list[tuple[str, str]]:
    """(argument name, its text in the rule) pairs, e.g. ("user_id", "<int:user_id>")."""
    tokens = []
    for part in rule.split("<")[1:]:
        inner = part.split(">", 1)[0]
        tokens.append((inner.rpartition(":")[2], f"<{inner}>"))
    return tokens


def _method_rank(method: str) -> int:
    return _METHOD_ORDER.index(method) if method in _METHOD_ORDER else len(_METHOD_ORDER)
