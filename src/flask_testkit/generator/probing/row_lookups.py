"""The rows a request's handling looked up, by model and the value it looked them up by.

A view names the model it loads (`db.session.get(Post, id)`, `Post.query.filter_by(slug=...)`);
the value it looks up is the path argument's when the argument points at a row of that model.
Watching the ORM's own statements tells which model an argument loads, where its name says
nothing (`<int:id>`) or points elsewhere, and which row a view searched for by its columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

RowLookup = tuple[type[Any], Any]
"""(mapped class, a value the statement compared with)."""
RowSearch = tuple[type[Any], dict[str, Any]]
"""(mapped class, {attribute: value} the statement compared its columns with)."""


@dataclass
class RowLookups:
    """What the SELECTs of mapped classes made inside a block compared with."""

    values: list[RowLookup] = field(default_factory=list)
    # `Tag.query.filter_by(store_id=3, name="x")` gives (Tag, {"store_id": 3, "name": "x"}): a
    # row with those values is the one the view looked for.
    searches: list[RowSearch] = field(default_factory=list)


def _kept(value: Any) -> bool:
    return isinstance(value, int | str) and not isinstance(value, bool)


def _compared(state: ORMExecuteState) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """The statement's bound values, and the (column, value) of each `column == value`."""
    values: list[Any] = []
    if isinstance(state.parameters, dict):
        values += state.parameters.values()
    equalities: list[tuple[Any, Any]] = []
    for element in visitors.iterate(state.statement):  # type: ignore[arg-type]
        if isinstance(element, BindParameter):
            values.append(element.effective_value)
        elif (
            isinstance(element, BinaryExpression)
            and element.operator is operators.eq
            and isinstance(element.right, BindParameter)
        ):
            equalities.append((element.left, element.right.effective_value))
    kept = [v for v in values if _kept(v)]
    return kept, [(column, value) for column, value in equalities if _kept(value)]


def _searched(mapper: Any, equalities: list[tuple[Any, Any]]) -> dict[str, Any]:
    """attribute -> value for the equalities on the mapper's own columns."""
    keys = {(id(c.table), c.name): key for key, c in mapper.columns.items()}
    found = {}
    for column, value in equalities:
        key = keys.get((id(getattr(column, "table", None)), getattr(column, "name", None)))
        if key is not None:
            found[key] = value
    return found


@contextmanager
def recorded_row_lookups() -> Iterator[RowLookups]:
    """What each SELECT of a mapped class made inside the block compared with."""
    found = RowLookups()

    def on_execute(state: ORMExecuteState) -> None:
        if not state.is_select:
            return
        values, equalities = _compared(state)
        for mapper in state.all_mappers:
            found.values.extend((mapper.class_, value) for value in values)
            searched = _searched(mapper, equalities)
            if searched:
                found.searches.append((mapper.class_, searched))

    event.listen(Session, "do_orm_execute", on_execute)
    try:
        yield found
    finally:
        event.remove(Session, "do_orm_execute", on_execute)
