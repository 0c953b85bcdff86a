"""Python source for the values a model test passes in and expects back."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import math
import sys
import uuid
from dataclasses import dataclass
from typing import Any

from ..code import string

Imports = set[tuple[str, str | None]]


@dataclass(frozen=True)
class KeyRef:
    """A key column the value repeats, written as the row's attribute instead of a magic id."""

    path: tuple[str, ...]


def value_source(value: Any, imports: Imports, var: str, inputs: bool = False) -> str | None:
    """Source that rebuilds value exactly, or None; inputs may also be dates, times and UUIDs."""
    if isinstance(value, KeyRef):
        return ".".join((var, *value.path))
    # Exact types only: a subclass (an IntEnum, Markup) has a repr of its own.
    if value is None or type(value) in (bool, int):
        return repr(value)
    if type(value) is str:
        return string(value)
    if type(value) is float:
        # A long float is a computed one: exact equality would pin down rounding noise.
        return repr(value) if math.isfinite(value) and len(repr(value)) <= 12 else None
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return None
        imports.add(("decimal", "Decimal"))
        return f"Decimal({string(str(value))})"
    if isinstance(value, enum.Enum):
        return _member(value, imports)
    if isinstance(value, dict):
        keys = _all([value_source(k, imports, var) for k in value])
        values = _all([value_source(v, imports, var, inputs) for v in value.values()])
        if keys is None or values is None:
            return None
        return "{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, values, strict=True)) + "}"
    if isinstance(value, list | tuple):
        parts = _all([value_source(v, imports, var, inputs) for v in value])
        if parts is None:
            return None
        if isinstance(value, list):
            return "[" + ", ".join(parts) + "]"
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    return _input_source(value, imports) if inputs else None


def _all(parts: list[str | None]) -> list[str] | None:
    found = [p for p in parts if p is not None]
    return found if len(found) == len(parts) else None


def _member(value: enum.Enum, imports: Imports) -> str | None:
    cls = type(value)
    module = sys.modules.get(cls.__module__)
    if module is None or getattr(module, cls.__qualname__, None) is not cls:
        return None
    if not value.name.isidentifier():
        return None
    imports.add((cls.__module__, cls.__qualname__))
    return f"{cls.__qualname__}.{value.name}"


def _input_source(value: Any, imports: Imports) -> str | None:
    if type(value) in (dt.datetime, dt.time) and value.tzinfo not in (None, dt.timezone.utc):
        return None
    if type(value) in (dt.date, dt.datetime, dt.time, dt.timedelta):
        imports.add(("datetime", None))
        return repr(value)
    if type(value) is uuid.UUID:
        imports.add(("uuid", None))
        return f"uuid.UUID({string(str(value))})"
    if type(value) is bytes:
        return repr(value)
    return None


def refer_to_keys(
    value: Any, keys: dict[tuple[str, ...], Any], within: tuple[str, ...] = ()
) -> Any:
    """value with each dict entry that repeats a key column it names replaced by a KeyRef."""
    if isinstance(value, list | tuple):
        items = [refer_to_keys(v, keys, within) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if not isinstance(value, dict):
        return value
    referred = {}
    for name, item in value.items():
        if isinstance(item, dict) and isinstance(name, str):
            referred[name] = refer_to_keys(item, keys, (*within, name))
            continue
        path = _named_key(name, item, keys, within)
        referred[name] = KeyRef(path) if path else refer_to_keys(item, keys, within)
    return referred


def _named_key(
    name: Any, value: Any, keys: dict[tuple[str, ...], Any], within: tuple[str, ...]
) -> tuple[str, ...] | None:
    if not isinstance(name, str) or value is None or isinstance(value, bool):
        return None
    for path in ((*within, name), (*within, name.removesuffix("_id"), "id")):
        if path in keys and keys[path] == value:
            return path
    return None


def resolve_keys(value: Any, keys: dict[tuple[str, ...], Any]) -> Any:
    """value with each KeyRef replaced by what the row holds there."""
    if isinstance(value, KeyRef):
        return keys.get(value.path)
    if isinstance(value, list | tuple):
        items = [resolve_keys(v, keys) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {k: resolve_keys(v, keys) for k, v in value.items()}
    return value
