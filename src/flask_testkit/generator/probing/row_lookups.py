"""The rows a request's handling looked up, by model and the value it looked them up by.

A view names the model it loads (`db.session.get(Post, id)`, `Post.query.filter_by(slug=...)`);
the value it looks up is the path argument's when the argument points at a row of that model.
Watching the ORM's own statements tells which model an argument loads, where its name says
nothing (`<int:id>`) or points elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

RowLookup = tuple[type[Any], Any]
"""(mapped class, a value the statement compared with)."""


def _values(state: ORMExecuteState) -> list[Any]:
    values: list[Any] = []
    if isinstance(state.parameters, dict):
        values += state.parameters.values()
    for element in visitors.iterate(state.statement):  # type: ignore[arg-type]
        if isinstance(element, BindParameter):
            values.append(element.effective_value)
    return [v for v in values if isinstance(v, int | str) and not isinstance(v, bool)]


@contextmanager
def recorded_row_lookups() -> Iterator[list[RowLookup]]:
    """Yield (model, value) for each SELECT of a mapped class made inside the block."""
    found: list[RowLookup] = []

    def on_execute(state: ORMExecuteState) -> None:
        if not state.is_select:
            return
        values = _values(state)
        for mapper in state.all_mappers:
            found.extend((mapper.class_, value) for value in values)

    event.listen(Session, "do_orm_execute", on_execute)
    try:
        yield found
    finally:
        event.remove(Session, "do_orm_execute", on_execute)


RowSearch = tuple[type[Any], dict[str, Any]]
"""(mapped class, {attribute: value} the statement compared its columns with)."""


def _equalities(state: ORMExecuteState, mapper: Any) -> dict[str, Any]:
    by_column = {column: key for key, column in mapper.columns.items()}
    found: dict[str, Any] = {}
    for element in visitors.iterate(state.statement):  # type: ignore[arg-type]
        if not isinstance(element, BinaryExpression) or element.operator is not operators.eq:
            continue
        column, bound = element.left, element.right
        if not isinstance(bound, BindParameter):
            continue
        key = next((k for c, k in by_column.items() if c is column or c.compare(column)), None)
        value = bound.effective_value
        if key is not None and isinstance(value, int | str) and not isinstance(value, bool):
            found[key] = value
    return found


@contextmanager
def recorded_row_searches() -> Iterator[list[RowSearch]]:
    """Yield (model, {attribute: value}) for each SELECT inside the block that compared columns.

    `Tag.query.filter_by(store_id=3, name="x").first()` gives (Tag, {"store_id": 3, "name": "x"}):
    a row with those values is the one the view looked for.
    """
    found: list[RowSearch] = []

    def on_execute(state: ORMExecuteState) -> None:
        if not state.is_select:
            return
        for mapper in state.all_mappers:
            values = _equalities(state, mapper)
            if values:
                found.append((mapper.class_, values))

    event.listen(Session, "do_orm_execute", on_execute)
    try:
        yield found
    finally:
        event.remove(Session, "do_orm_execute", on_execute)
