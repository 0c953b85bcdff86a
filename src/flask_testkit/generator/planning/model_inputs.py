"""The column values a model test passes to a factory: the most readable of the factory's own."""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from factory.declarations import SubFactory

from ..probing.model_calls import Path
from ..reading.models import ModelInfo
from .model_values import value_source
from .values import is_password_name


def sample_inputs(
    model: ModelInfo,
    factory: Any,
    infos: dict[type[Any], ModelInfo],
    isolated: Callable[[], AbstractContextManager[Any]],
) -> tuple[dict[str, Path], dict[str, Any]] | None:
    """Factory keyword -> attribute path, and keyword -> value; None when no row builds."""
    paths = _input_paths(model, factory, infos)
    samples = _samples(factory, paths, isolated)
    if samples is None:
        return None
    chosen = {}
    for keyword in paths:
        options = [_readable(s[keyword]) for s in samples if keyword in s]
        options = [v for v in options if value_source(v, set(), "", inputs=True) is not None]
        if options:
            chosen[keyword] = min(options, key=_readability)
    return {k: paths[k] for k in chosen}, chosen


def _readability(value: Any) -> tuple[bool, bool, int]:
    """Sort key: a value, then a word rather than a letter or two, then the shortest."""
    stub = isinstance(value, str) and 0 < len(value.strip()) < 3
    return value is None, stub, len(repr(value))


def _readable(value: Any) -> Any:
    """A tidier version of a factory value, which the test writes out by hand."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, float) and math.isfinite(value):
        return round(value, 2)
    return value


def _input_paths(
    model: ModelInfo, factory: Any, infos: dict[type[Any], ModelInfo]
) -> dict[str, Path]:
    """Factory keywords for the columns a test may set, its parent rows' columns included."""
    paths: dict[str, Path] = {key: (key,) for key in _settable(model)}
    declarations = factory._meta.declarations
    for relation, parent in model.relations.items():
        if parent in infos and isinstance(declarations.get(relation), SubFactory):
            for key in _settable(infos[parent]):
                paths[f"{relation}__{key}"] = (relation, key)
    return paths


def _settable(model: ModelInfo) -> list[str]:
    """Columns that hold data: not keys, not passwords, and taken by the constructor."""
    try:
        parameters = list(inspect.signature(model.cls).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    names = {p.name for p in parameters}
    open_ended = not names or any(p.kind is p.VAR_KEYWORD for p in parameters)
    return [
        c.key
        for c in model.columns
        if not c.primary_key
        and not c.column.foreign_keys
        and not is_password_name(c.key)
        and (open_ended or c.key in names)
    ]


def _samples(
    factory: Any, paths: dict[str, Path], isolated: Callable[[], AbstractContextManager[Any]]
) -> list[dict[str, Any]] | None:
    """Column values of a few factory rows; saved ones when possible, as they carry defaults."""
    for created in (True, False):
        with isolated() as session:
            try:
                rows = factory.create_batch(4) if created else factory.build_batch(4)
                if created:
                    session.flush()
                return [_values(row, paths) for row in rows]
            except Exception:
                continue
    return None


def _values(row: Any, paths: dict[str, Path]) -> dict[str, Any]:
    found = {}
    for keyword, path in paths.items():
        value = row
        for name in path:
            value = getattr(value, name, None) if value is not None else None
        if value is not None or len(path) == 1:
            found[keyword] = value
    return found
