"""The endpoints of a Flask app: one route per rule and method of its url_map."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

#: Methods in the order people read them; any other method sorts after these, by name.
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

# API frameworks add pages of their own: the docs UI, its OAuth redirect, restx's empty root.
# Only the OpenAPI document says something about the app, so it is the one kept.
_FRAMEWORK_PACKAGES = ("apiflask", "flask_restx", "flask_smorest")
_SPEC_ENDPOINTS = ("spec", "specs", "openapi_json")
# Development tools mount pages of their own (a toolbar, a profiler); they are not the app.
_DEVELOPMENT_PACKAGES = ("flask_debugtoolbar", "flask_profiler", "flask_monitoringdashboard")

RouteKey = tuple[str, str, str, str]
"""(app name, endpoint, rule, method): how a request finds its route."""


@dataclass(frozen=True)
class Route:
    """One method of one URL rule of one app."""

    app: str
    endpoint: str
    rule: str
    method: str
    #: Static files, the HEAD/OPTIONS that Flask adds by itself, and the pages an API framework
    #: or a development tool serves by itself: hidden unless asked for.
    implicit: bool = False

    @property
    def key(self) -> RouteKey:
        """The key that recorded requests use for this route."""
        return (self.app, self.endpoint, self.rule, self.method)

    @property
    def blueprint(self) -> str:
        """The blueprint's dotted name, as Flask computes it; empty for app-level routes."""
        return self.endpoint.rpartition(".")[0]

    @property
    def sort_key(self) -> tuple[str, int, str]:
        """Orders routes by rule, then by method in reading order."""
        return (self.rule, method_rank(self.method), self.method)


def method_rank(method: str) -> int:
    """Position of a method in METHOD_ORDER; unknown methods go last."""
    try:
        return METHOD_ORDER.index(method)
    except ValueError:
        return len(METHOD_ORDER)


def is_static_endpoint(endpoint: str) -> bool:
    """True for the static-file endpoints of the app and of its blueprints."""
    return endpoint == "static" or endpoint.endswith(".static")


def _package(view: Callable[..., Any] | None) -> str:
    owner = getattr(view, "view_class", view)
    return (getattr(owner, "__module__", None) or "").partition(".")[0]


def is_framework_page(endpoint: str, view: Callable[..., Any] | None) -> bool:
    """True for the docs pages an API framework serves by itself; its spec is not one."""
    is_spec = endpoint.rpartition(".")[2] in _SPEC_ENDPOINTS
    return _package(view) in _FRAMEWORK_PACKAGES and not is_spec


def is_development_page(view: Callable[..., Any] | None) -> bool:
    """True for the pages a development tool (a debug toolbar, a profiler) added."""
    return _package(view) in _DEVELOPMENT_PACKAGES


def routes_of(app: Flask) -> list[Route]:
    """Every rule x method of the app's url_map, implicit ones marked."""
    routes = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods or set()
        view = app.view_functions.get(rule.endpoint)
        static = (
            is_static_endpoint(rule.endpoint)
            or is_framework_page(rule.endpoint, view)
            or is_development_page(view)
        )
        automatic_options = bool(getattr(rule, "provide_automatic_options", False))
        for method in methods:
            # Werkzeug adds HEAD to every GET rule; Flask adds OPTIONS unless the view handles it.
            automatic = (method == "HEAD" and "GET" in methods) or (
                method == "OPTIONS" and automatic_options
            )
            routes.append(Route(app.name, rule.endpoint, rule.rule, method, static or automatic))
    return routes
