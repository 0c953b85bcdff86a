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
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

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
