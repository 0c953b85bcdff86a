"""Which library keeps the app's data, and which of its databases flask-testkit cannot isolate.

Read from what the app's modules import and hold once the app is built: a Flask-SQLAlchemy,
Flask-SQLAlchemy-Lite or Alchemical extension, a plain SQLAlchemy session, or else a peewee
database, a MongoDB client, a DBAPI connection, a driver module, or an engine that no session the
suite rebinds reaches. The probes then refuse every database but the test one (data_guard.py),
so an endpoint that uses one of the others is seen doing it, and left out.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.local import LocalProxy

from .declarative import app_modules

# Driver modules that, imported by the app itself, mean it opens connections of its own.
_DRIVERS = {
    "psycopg": "psycopg",
    "psycopg2": "psycopg2",
    "pymysql": "PyMySQL",
    "MySQLdb": "mysqlclient",
    "sqlite3": "sqlite3",
}
_MONGO = ("mongoengine", "flask_mongoengine", "pymongo", "flask_pymongo", "mongomock")


@dataclass
class DataLayer:
    """What keeps the app's data: the library the suite isolates, and what it cannot."""

    supported: str | None = None
    unsupported: list[str] = field(default_factory=list)

    @property
    def isolated(self) -> bool:
        """Whether the suite can give every test a rolled-back test database."""
        return self.supported is not None

    def summary_line(self) -> str | None:
        """The one line `init` prints about what it does not isolate, if anything."""
        if not self.unsupported:
            return None
        what = ", ".join(self.unsupported)
        if self.isolated:
            return (
                f"data layer: {what} — not isolated by flask-testkit; endpoints that use it are "
                f"left out (the {self.supported} models are isolated as usual)"
            )
        return (
            f"data layer: {what} — not isolated by flask-testkit; wrote app and client tests "
            "only, for endpoints that do not touch it"
        )


def detect_data_layer(
    app: Flask,
    root: Path,
    supported: str | None,
    rebound: list[Any],
    file_database: bool = False,
) -> DataLayer:
    """The app's data layer; `rebound` are the engines the suite's test database replaces."""
    layer = DataLayer(supported)
    modules = app_modules(root)
    known = {id(engine) for engine in rebound}
    for module, name, value in _held_values(app, modules):
        found = _unsupported_value(value, known)
        if found and not any(entry.startswith(found) for entry in layer.unsupported):
            layer.unsupported.append(
                f"{found} ({module}.{name})" if module else f"{found} ({name})"
            )
    if app.config.get("SQLALCHEMY_ASYNC_ENGINES"):
        layer.unsupported.append("Flask-SQLAlchemy-Lite's async engines (SQLALCHEMY_ASYNC_ENGINES)")
    # A driver imported beside an ORM is usually there for its exception classes.
    drivers = supported is None and not file_database
    for library in _imported_libraries(modules, drivers):
        if not any(entry.startswith(library) for entry in layer.unsupported):
            layer.unsupported.append(library)
    return layer


def _held_values(app: Flask, modules: list[ModuleType]) -> list[tuple[str, str, Any]]:
    held: list[tuple[str, str, Any]] = []
    for module in modules:
        held += [(module.__name__, name, value) for name, value in list(vars(module).items())]
    held += [("", f"app.extensions[{key!r}]", value) for key, value in app.extensions.items()]
    held += [("", f"app.config[{key!r}]", value) for key, value in app.config.items()]
    held += [("", f"app.{key}", value) for key, value in vars(app).items()]
    return held


def _unsupported_value(value: Any, rebound: set[int]) -> str | None:
    if isinstance(value, type | ModuleType):
        return None
    kind = type(value)
    top = kind.__module__.split(".")[0]
    if "peewee" in sys.modules and _is_peewee(value):
        return "peewee"
    if top in _MONGO and kind.__name__ in ("MongoClient", "Database", "PyMongo", "MongoEngine"):
        return "MongoDB"
    if top in ("mongoengine", "flask_mongoengine"):
        return "MongoEngine"
    if top == "alchemical" and callable(getattr(value, "is_async", None)) and value.is_async():
        return "Alchemical's asyncio variant"
    if isinstance(value, sa.Engine) and id(value) not in rebound:
        return "an engine the app makes itself"
    if top in _DRIVERS and "onnection" in kind.__name__:
        return f"a {_DRIVERS[top]} connection"
    return None


def _is_peewee(value: Any) -> bool:
    import peewee

    if isinstance(value, peewee.Database):
        return True
    # playhouse.flask_utils.FlaskDB and similar wrappers hold the database they open. Only their
    # own attributes are read: a proxy such as flask.request raises on any lookup.
    own = getattr(value, "__dict__", None) if not isinstance(value, LocalProxy) else None
    return isinstance(own, dict) and isinstance(own.get("database"), peewee.Database)


def _imported_libraries(modules: list[ModuleType], drivers: bool) -> list[str]:
    found: list[str] = []
    for module in modules:
        for value in list(vars(module).values()):
            if isinstance(value, ModuleType):
                home = value.__name__
            else:
                home = getattr(value, "__module__", "") if callable(value) else ""
            top = str(home or "").split(".")[0]
            if top == "peewee" or top == "playhouse":
                label = "peewee"
            elif top in ("mongoengine", "flask_mongoengine"):
                label = "MongoEngine"
            elif top in _MONGO:
                label = "MongoDB"
            elif top in _DRIVERS and drivers:
                label = f"raw {_DRIVERS[top]} connections"
            else:
                continue
            if label not in found:
                found.append(label)
    return found
