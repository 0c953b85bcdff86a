"""Refuse every database connection but the test database's, and say what was refused."""

from __future__ import annotations

import importlib
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

# Drivers whose module-level connect() opens a database of the app's own when called directly.
_DRIVERS = ("sqlite3", "sqlite3.dbapi2", "psycopg", "psycopg2", "pymysql", "MySQLdb")
_MEMORY = ("", ":memory:")


class DataAccessBlocked(ConnectionError):
    """Raised where code tries to open a database that is not the test database."""


@dataclass
class Refused:
    """What a guarded block tried to open."""

    targets: list[str] = field(default_factory=list)


_state = threading.local()


def _describe_engine(engine: Engine) -> str:
    return f"an engine on {engine.url.render_as_string(hide_password=True)}"


def _sqlite_target(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    database = args[0] if args else kwargs.get("database", "")
    return str(database)


@contextmanager
def blocked_databases(
    allowed_engines: Iterable[Engine] = (),
    allowed_files: Callable[[], Iterable[str]] = tuple,
) -> Iterator[Refused]:
    """Inside the block, opening any database but these raises DataAccessBlocked.

    Covers SQLAlchemy engines (new and pooled connections) and the DBAPI drivers' connect().
    In-memory SQLite stays allowed: it belongs to the process, never to the app's data.
    """
    refused = Refused()
    allowed = {id(engine) for engine in allowed_engines}
    dialects = {id(engine.dialect) for engine in allowed_engines}

    def refuse(target: str) -> None:
        refused.targets.append(target)
        raise DataAccessBlocked(
            f"{target} is not the test database; flask-testkit refused to open it"
        )

    def on_engine_connect(connection: Any) -> None:
        if id(connection.engine) not in allowed:
            refuse(_describe_engine(connection.engine))

    def on_do_connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        if id(dialect) not in dialects:
            return None  # the engine_connect listener names the engine
        # The test engine's own driver call: let the patched connect() below through.
        _state.trusted = True
        try:
            return dialect.connect(*cargs, **cparams)
        finally:
            _state.trusted = False

    patched: list[tuple[Any, Any]] = []

    def guard(module: Any, original: Any, name: str) -> Callable[..., Any]:
        def connect(*args: Any, **kwargs: Any) -> Any:
            if getattr(_state, "trusted", False):
                return original(*args, **kwargs)
            if name.startswith("sqlite3"):
                target = _sqlite_target(args, kwargs)
                files = {str(Path(path).resolve()) for path in allowed_files()}
                memory = target in _MEMORY or "mode=memory" in target
                if memory or str(Path(target).resolve()) in files:
                    return original(*args, **kwargs)
                refuse(f"the SQLite file {target}")
            refuse(f"a {name.split('.')[0]} connection")
            return None

        return connect

    for name in _DRIVERS:
        module = sys.modules.get(name)
        if module is None and name in ("sqlite3", "sqlite3.dbapi2"):
            module = importlib.import_module(name)
        if module is not None and callable(getattr(module, "connect", None)):
            original = module.connect
            patched.append((module, original))
            setattr(module, "connect", guard(module, original, name))  # noqa: B010
    event.listen(Engine, "engine_connect", on_engine_connect)
    event.listen(Engine, "do_connect", on_do_connect)
    try:
        yield refused
    finally:
        event.remove(Engine, "do_connect", on_do_connect)
        event.remove(Engine, "engine_connect", on_engine_connect)
        for module, original in reversed(patched):
            setattr(module, "connect", original)  # noqa: B010
