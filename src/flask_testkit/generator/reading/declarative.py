"""Find a plain SQLAlchemy app's declarative base and the session its views use."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy.orm import registry, scoped_session, sessionmaker


@dataclass
class PlainDatabase:
    """Where the generated suite imports the models' base and the app's session from."""

    base: Any
    base_import: tuple[str, str]
    session: Any
    session_import: tuple[str, str]

    @property
    def is_scoped(self) -> bool:
        """Whether the app shares one scoped_session, rather than a bare sessionmaker."""
        return isinstance(self.session, scoped_session)


def app_modules(root: Path) -> list[ModuleType]:
    """The imported modules that live in the app's folder, in a stable order."""
    root = root.resolve()
    found = []
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not path or name.startswith("_"):
            continue
        resolved = Path(path).resolve()
        if resolved.is_relative_to(root) and ".venv" not in resolved.parts:
            found.append(module)
    return found


def find_plain_database(root: Path) -> PlainDatabase | None:
    """The declarative base with mapped classes and the session, both importable from the app."""
    modules = app_modules(root)
    bases = _owners(modules, _is_base)
    sessions = _owners(modules, _is_session)
    if not bases or not sessions:
        return None
    base_import, base = _best(bases)
    # A scoped_session is what the views share; a bare sessionmaker is the next best thing.
    scoped = [entry for entry in sessions if isinstance(entry[1], scoped_session)]
    session_import, session = _best(scoped or sessions)
    return PlainDatabase(base, base_import, session, session_import)


def declarative_bases(root: Path) -> list[tuple[tuple[str, str], Any]]:
    """The declarative bases with mapped classes in the app's modules, the likeliest first."""
    return sorted(_owners(app_modules(root), _is_base), key=lambda entry: _rank(entry[0]))


def _is_base(value: Any) -> bool:
    # isinstance() first: module-level proxies such as flask.request raise on any attribute.
    if not isinstance(value, type):
        return False
    own = vars(value).get("registry")
    return isinstance(own, registry) and bool(own.mappers)


def _is_session(value: Any) -> bool:
    return isinstance(value, scoped_session | sessionmaker)


def _owners(modules: list[ModuleType], wanted: Any) -> list[tuple[tuple[str, str], Any]]:
    found: dict[int, list[tuple[str, str]]] = {}
    values: dict[int, Any] = {}
    for module in modules:
        for name, value in list(vars(module).items()):
            if not name.startswith("_") and wanted(value):
                found.setdefault(id(value), []).append((module.__name__, name))
                values[id(value)] = value
    return [(min(paths, key=_rank), values[key]) for key, paths in found.items()]


def _rank(path: tuple[str, str]) -> tuple[int, int, str, str]:
    module, name = path
    last = module.rsplit(".", 1)[-1]
    home = 0 if last in ("database", "db", "extensions", "models", "session") else 1
    return home, module.count("."), module, name


def _best(entries: list[tuple[tuple[str, str], Any]]) -> tuple[tuple[str, str], Any]:
    return min(entries, key=lambda entry: _rank(entry[0]))
