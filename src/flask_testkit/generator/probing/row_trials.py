"""Make every factory build rows the model and the database accept, by trying them."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import sqlalchemy as sa

from ..planning.factory_specs import FactorySpec
from ..planning.value_candidates import candidates

Isolated = Callable[[], AbstractContextManager[Any]]
# Rows per trial: a random value that breaks a rule one time in five (a 1 to 10 character string
# under a CHECK of at least 3) slips past 10 rows one trial in nine, and past 40 one in 7,500.
_ROWS = 40
_TRIALS = 60  # per factory


@dataclass
class Loader:
    """Renders the factories' source and imports it, with the isolation the probes use."""

    render: Callable[[list[FactorySpec]], str]
    load: Callable[[str], ModuleType]
    isolation: Callable[[ModuleType], Isolated]


def settle_factories(specs: list[FactorySpec], loader: Loader) -> list[str]:
    """Change declarations until each factory's rows are accepted; notes for those never are."""
    notes = []
    trials = _Trials(specs, loader)
    for spec in specs:
        error = spec.refused = _settle(spec, trials)
        if error is None:
            spec.app_value_too_long = None
        else:
            notes.append(f"{spec.name}: could not build a valid {spec.model.name} row: {error}")
    return notes


def app_refusals(specs: list[FactorySpec]) -> dict[str, str]:
    """Tables whose rows the database may refuse for a value the app's own code makes."""
    return {
        spec.model.cls.__table__.name: f"{spec.model.name}.{spec.app_value_too_long}"
        for spec in specs
        if spec.app_value_too_long and hasattr(spec.model.cls, "__table__")
    }


class _Trials:
    """Builds rows with the factories as they stand, importing their source only when it changed."""

    def __init__(self, specs: list[FactorySpec], loader: Loader) -> None:
        self.specs = specs
        self.loader = loader
        self.source = ""
        self.module: ModuleType | None = None

    def run(self, spec: FactorySpec) -> str | None:
        """None when the factory's rows are accepted, else the first refusal."""
        try:
            source = self.loader.render(self.specs)
            if self.module is None or source != self.source:
                self.module, self.source = None, source
                self.module = self.loader.load(source)
            factory = getattr(self.module, spec.name)
            with self.loader.isolation(self.module)():
                rows = factory.create_batch(_ROWS)
                key, too_long = _too_long(spec, rows)
        except Exception as error:
            return _message(error)
        # The stored password is the app's own hash of TEST_PASSWORD: no other value signs in.
        spec.app_value_too_long = too_long if key == spec.password_attribute else None
        return too_long


def _too_long(spec: FactorySpec, rows: list[Any]) -> tuple[str | None, str | None]:
    """A value longer than its String(n) column: SQLite stores it, PostgreSQL refuses it."""
    for info in spec.model.columns:
        key = info.key
        length = getattr(info.column.type, "length", None)
        if not isinstance(length, int):
            continue
        for row in rows:
            value = getattr(row, key, None)
            if isinstance(value, str) and len(value) > length:
                return key, (
                    f"{key} gets a value of {len(value)} characters, longer than its column "
                    f"String({length}) (PostgreSQL refuses it)"
                )
    return None, None


def _settle(spec: FactorySpec, trials: _Trials) -> str | None:
    error = trials.run(spec)
    budget = [_TRIALS - 1]
    settled: set[str] = set()
    while error is not None and budget[0] > 0:
        key = next((k for k in _blamed_first(spec, error) if k not in settled), None)
        if key is None:
            break
        settled.add(key)
        error = _try_column(spec, trials, key, error, budget)
    return error


def _try_column(
    spec: FactorySpec, trials: _Trials, key: str, error: str, budget: list[int]
) -> str | None:
    """The error left once key has a declaration that no longer stops the row (or the same)."""
    index = _declaration_index(spec, key)
    current = spec.declarations[index][1]
    for source, imports in candidates(spec.model, spec.columns[key], (current, set()))[1:]:
        if budget[0] <= 0:
            break
        budget[0] -= 1
        before = set(spec.imports)
        spec.declarations[index] = (key, source)
        spec.imports |= imports
        found = trials.run(spec)
        if found is None or _shape(found) != _shape(error):
            # Fixed, or this column no longer stops the row: keep it, look at the rest.
            return found
        spec.imports = before
    spec.declarations[index] = (key, current)
    return error


def _message(error: Exception) -> str:
    text = str(error).split("\n", 1)[0]
    text = text.split(" [SQL:", 1)[0]
    return f"{type(error).__name__}: {text}"[:200]


def _shape(message: str) -> str:
    """The message without the values in it, which change with every random row."""
    text = re.sub(r"'[^']*'|(?<!\w)-?\d+(\.\d+)?", "_", message)
    return text.split("(Background on this error")[0]


def _blamed_first(spec: FactorySpec, error: str) -> list[str]:
    """The columns the error names, directly or through a named CHECK constraint, first."""
    text = error
    table = spec.model.cls.__table__ if hasattr(spec.model.cls, "__table__") else None
    for constraint in getattr(table, "constraints", ()):
        named_check = isinstance(constraint, sa.CheckConstraint) and constraint.name
        if named_check and _names(str(constraint.name), error):
            text += " " + str(constraint.sqltext)
    named = [
        key
        for key, column in spec.columns.items()
        if _names(key, text) or _names(str(column.column.name), text)
    ]
    return named + [key for key in spec.columns if key not in named]


def _names(word: str, text: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", text) is not None


def _declaration_index(spec: FactorySpec, key: str) -> int:
    return next(i for i, (name, _) in enumerate(spec.declarations) if name == key)
