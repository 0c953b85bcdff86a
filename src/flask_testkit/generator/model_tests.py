"""Unit tests for what can be derived safely from models: properties and simple methods."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from .code import literal, snake
from .models import ModelInfo

_SAFE_PREFIXES = ("is_", "has_", "can_", "to_", "as_")
_SKIPPED = {
    "password",
    "query",
    "metadata",
    "registry",
    "is_active",
    "is_authenticated",
    "is_anonymous",
    "query_class",
    "get_id",
}


@dataclass
class ModelCheck:
    """One property or method of a model, and what it gave on a few factory-built rows."""

    model: ModelInfo
    name: str
    is_method: bool
    values: list[Any]

    @property
    def access(self) -> str:
        """How the test reads it."""
        return f"{snake(self.model.name)}.{self.name}{'()' if self.is_method else ''}"


def candidates(model: ModelInfo) -> list[tuple[str, bool]]:
    """Properties and argument-free query methods defined on the model itself."""
    found = []
    columns = {c.key for c in model.columns}
    for name, value in vars(model.cls).items():
        if name.startswith("_") or name in _SKIPPED or name in columns:
            continue
        if isinstance(value, property) and value.fget is not None:
            found.append((name, False))
        elif inspect.isfunction(value) and name.startswith(_SAFE_PREFIXES):
            parameters = list(inspect.signature(value).parameters.values())[1:]
            if all(
                p.default is not p.empty or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
                for p in parameters
            ):
                found.append((name, True))
    return found


def render_check(check: ModelCheck) -> str | None:
    """A test of what holds for every row: a dict's keys, or the type of the value."""
    var = snake(check.model.name)
    values = check.values
    base = f"test_{var}_{check.name}"
    if any(isinstance(value, Exception) for value in values):
        return None
    first = values[0]
    lines = [f"{var} = {check.model.name}Factory()", ""]
    # Values come from random factory data, so only what holds for every row is asserted:
    # the keys of a dict, or the type of anything else.
    if all(isinstance(v, dict) for v in values) and all(set(v) == set(first) for v in values):
        keys = "{" + ", ".join(literal(k) for k in sorted(first)) + "}"
        lines.append(f"assert set({check.access}) == {keys}")
        name = f"{base}_has_the_expected_keys"
    elif len({type(v) for v in values}) == 1 and type(first).__module__ == "builtins":
        if first is None:
            return None
        lines.append(f"assert isinstance({check.access}, {type(first).__name__})")
        name = f"{base}_gives_{type(first).__name__}"
    else:
        return None
    body = "\n".join("    " + line if line else "" for line in lines)
    return f"def {name}(db_session):\n{body}"
