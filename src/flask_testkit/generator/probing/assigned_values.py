"""Values the database assigns (keys, sequences, timestamps), and the rows a request made."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper

from ..planning.values import python_value

Path = tuple[str, ...]


def is_database_assigned(column: sa.Column[Any]) -> bool:
    """True for a column whose value the database or a callable default picks, not the caller."""
    if column.primary_key and column is column.table.autoincrement_column:
        return True
    if column.server_default is not None or column.server_onupdate is not None:
        return True
    if column.onupdate is not None:
        return True
    default = column.default
    if default is None:
        return False
    if isinstance(column.type, sa.DateTime | sa.Date | sa.Time):
        return True  # a default time is the clock's, whatever the default looks like
    return bool(
        getattr(default, "is_callable", False)
        or getattr(default, "is_sequence", False)
        or getattr(default, "is_clause_element", False)
    )


def assigned_keys(cls: type[Any]) -> list[str]:
    """The attributes of a mapped class whose values the database assigns."""
    try:
        mapper: Mapper[Any] = sa.inspect(cls)
    except sa.exc.NoInspectionAvailable:
        return []
    return [
        prop.key
        for prop in mapper.column_attrs
        if any(isinstance(c, sa.Column) and is_database_assigned(c) for c in prop.columns)
    ]


@contextmanager
def recorded_inserts() -> Iterator[list[Any]]:
    """Every ORM object inserted inside the block."""
    inserted: list[Any] = []

    def record(mapper: Any, connection: Any, target: Any) -> None:
        inserted.append(target)

    sa.event.listen(Mapper, "after_insert", record)
    try:
        yield inserted
    finally:
        sa.event.remove(Mapper, "after_insert", record)


def assigned_values(rows: list[Any]) -> set[str]:
    """The text of each database-assigned value of rows, as a response would show it."""
    found: set[str] = set()
    for row in rows:
        for key in assigned_keys(type(row)):
            try:
                value = getattr(row, key)
            except Exception:  # the row was deleted or its session closed by the app
                continue
            if value is not None:
                found.add(str(python_value(value)))
    return found


def differing_paths(first: Any, second: Any, path: Path = ()) -> set[Path]:
    """Paths of the leaves that differ between two JSON bodies; list items share one `*` path."""
    if isinstance(first, dict) and isinstance(second, dict):
        found: set[Path] = set()
        for key in first.keys() & second.keys():
            found |= differing_paths(first[key], second[key], (*path, str(key)))
        return found
    if isinstance(first, list) and isinstance(second, list):
        if len(first) != len(second):
            return set()  # the earlier rows show up in the list: no item lines up with another
        found = set()
        for a, b in zip(first, second, strict=True):
            found |= differing_paths(a, b, (*path, "*"))
        return found
    if first != second or type(first) is not type(second):
        return {path}
    return set()


def leaf_at(body: Any, path: Path) -> Any:
    """The value at path in body (the first item for `*`), or None."""
    for part in path:
        if part == "*":
            if not isinstance(body, list) or not body:
                return None
            body = body[0]
        elif isinstance(body, dict):
            body = body.get(part)
        else:
            return None
    return body


def models_of(rows: list[Any]) -> list[type[Any]]:
    """The mapped classes of rows, each once, in the order first seen."""
    seen: list[type[Any]] = []
    for row in rows:
        if type(row) not in seen:
            seen.append(type(row))
    return seen


def inserted_rows(rows: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """(model, column values) of each row, as it was inserted."""
    return row_facts(rows)[0]


def row_facts(
    rows: list[Any],
) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str, Any]]]:
    """(model, column values) of each row, and (model, attribute, value) of its unique keys.

    A unique key here is a single-column one other than the primary key. One walk gives both.
    """
    values_of, unique_of = [], []
    for row, mapper, values in _mapped_rows(rows):
        model = type(row).__name__
        values_of.append((model, values))
        unique = {c for table in mapper.tables for c in _unique_columns(table)}
        for prop in mapper.column_attrs:
            value = values.get(prop.key)
            if value is not None and any(c in unique for c in prop.columns):
                unique_of.append((model, prop.key, value))
    return values_of, unique_of


def _mapped_rows(rows: list[Any]) -> Iterator[tuple[Any, Mapper[Any], dict[str, Any]]]:
    """Each mapped row with its mapper and the column values it can still give."""
    for row in rows:
        try:
            mapper: Mapper[Any] = sa.inspect(type(row))
        except sa.exc.NoInspectionAvailable:
            continue
        values = {}
        for prop in mapper.column_attrs:
            try:
                values[prop.key] = getattr(row, prop.key)
            except Exception:  # the row was deleted or its session closed by the app
                continue
        yield row, mapper, values


def _unique_columns(table: Any) -> set[Any]:
    columns = {c for c in table.columns if c.unique and not c.primary_key}
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and len(constraint.columns) == 1:
            columns |= set(constraint.columns)
    for index in table.indexes:
        if index.unique and len(index.columns) == 1:
            columns |= set(index.columns)
    return columns
