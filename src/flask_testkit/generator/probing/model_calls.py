"""Call a model's property or method once and record what the call read, wrote and relied on."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import ORMExecuteState, RelationshipDirection, Session

from .sandbox import guarded

Path = tuple[str, ...]

_CLOCK_METHODS = {"datetime.now", "datetime.utcnow", "datetime.today", "date.today"}
_TIME_FUNCTIONS = {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"}
_RANDOM_MODULES = {"random", "secrets"}
# Libraries that read the clock for their own bookkeeping, never for the value a model returns.
_BOOKKEEPING = ("sqlalchemy", "flask_sqlalchemy", "logging", "psycopg", "psycopg2", "pymysql")


@dataclass
class Observation:
    """One call: its value or error, the attributes it read, and what makes it unrepeatable."""

    value: Any = None
    error: BaseException | None = None
    reads: set[Path] = field(default_factory=set)
    columns: set[Path] = field(default_factory=set)
    keys: dict[Path, Any] = field(default_factory=dict)
    relies_on: str | None = None
    wrote: bool = False


class _ReadLog(dict[str, Any]):
    """An instance __dict__ that notes the attributes the ORM looks up in it."""

    reads: set[str]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.reads.add(key)
        return super().__contains__(key)


def observe(call: Callable[[Any], Any], row: Any, session: Any, timeout: float) -> Observation:
    """call(row), with reads logged on row and its parents; the clock, randomness, SQL watched."""
    seen = Observation()
    rows, keys, columns = _watched(row)
    before = _snapshot(rows, session)
    logs = _log_reads(rows)
    try:
        with guarded(timeout), _watching_sql(seen), _watching_calls(seen):
            seen.value = call(row)
    except Exception as error:
        seen.error = error
    finally:
        for watched in rows.values():
            watched.__dict__ = dict(watched.__dict__)
    for prefix, log in logs.items():
        seen.reads |= {(*prefix, name) for name in log.reads}
    seen.keys = {path: _follow(rows, path) for path in seen.reads & keys}
    seen.columns = (seen.reads & columns) - keys
    seen.wrote = _snapshot(rows, session) != before
    if not seen.relies_on and _reads_other_rows(seen.reads, rows):
        seen.relies_on = "rows in the database"
    return seen


def _watched(row: Any) -> tuple[dict[Path, Any], set[Path], set[Path]]:
    """The row and the rows it belongs to (two levels up), with their key and column paths."""
    rows: dict[Path, Any] = {}
    keys: set[Path] = set()
    columns: set[Path] = set()
    pending: list[tuple[Path, Any]] = [((), row)]
    while pending:
        prefix, current = pending.pop()
        if any(current is known for known in rows.values()):
            continue
        rows[prefix] = current
        mapper = sa.inspect(type(current))
        for prop in mapper.column_attrs:
            columns.add((*prefix, prop.key))
            if any(
                getattr(c, "primary_key", False) or getattr(c, "foreign_keys", None)
                for c in prop.columns
            ):
                keys.add((*prefix, prop.key))
        if len(prefix) < 2:
            for relation in mapper.relationships:
                parent = current.__dict__.get(relation.key)
                if relation.direction is RelationshipDirection.MANYTOONE and parent is not None:
                    pending.append(((*prefix, relation.key), parent))
    return rows, keys, columns


def _reads_other_rows(reads: set[Path], rows: dict[Path, Any]) -> bool:
    """True when a collection that was read holds rows other than the watched ones."""
    for path in reads:
        owner = rows.get(path[:-1])
        relation = (
            sa.inspect(type(owner)).relationships.get(path[-1]) if owner is not None else None
        )
        if relation is None or not relation.uselist:
            continue
        items = owner.__dict__.get(path[-1]) or ()
        if any(all(item is not row for row in rows.values()) for item in items):
            return True
    return False


def _log_reads(rows: dict[Path, Any]) -> dict[Path, _ReadLog]:
    logs = {}
    for prefix, row in rows.items():
        log = _ReadLog(row.__dict__)
        log.reads = set()
        row.__dict__ = log
        logs[prefix] = log
    return logs


def _follow(rows: dict[Path, Any], path: Path) -> Any:
    return getattr(rows[path[:-1]], path[-1], None)


def _snapshot(rows: dict[Path, Any], session: Any) -> list[Any]:
    """Column values of every row, and what the session would write."""
    values: list[Any] = []
    for row in rows.values():
        mapper = sa.inspect(type(row))
        values.append({p.key: row.__dict__.get(p.key) for p in mapper.column_attrs})
    if session is not None:
        values += [set(map(id, session.new)), set(map(id, session.dirty))]
        values.append(set(map(id, session.deleted)))
    return values


@contextmanager
def _watching_sql(seen: Observation) -> Iterator[None]:
    """Note SQL sent while the call runs, except lazy loads of the rows' own relationships."""
    loading = [0]

    def on_orm_execute(state: ORMExecuteState) -> Any:
        if not state.is_relationship_load:
            return None
        loading[0] += 1
        try:
            return state.invoke_statement()
        finally:
            loading[0] -= 1

    def on_cursor(*args: Any) -> None:
        if not loading[0]:
            seen.relies_on = seen.relies_on or "rows in the database"

    sa.event.listen(Session, "do_orm_execute", on_orm_execute)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", on_cursor)
    try:
        yield
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", on_cursor)
        sa.event.remove(Session, "do_orm_execute", on_orm_execute)


@contextmanager
def _watching_calls(seen: Observation) -> Iterator[None]:
    """Note calls that read the clock or draw random numbers."""

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        module = str(frame.f_globals.get("__name__", ""))
        if event == "call" and (
            module in _RANDOM_MODULES
            or (module == "uuid" and frame.f_code.co_name in ("uuid1", "uuid4"))
        ):
            seen.relies_on = seen.relies_on or "randomness"
        elif event == "c_call" and not module.startswith(_BOOKKEEPING):
            reason = _relied_on(arg)
            if reason:
                seen.relies_on = seen.relies_on or reason

    previous = sys.getprofile()
    sys.setprofile(hook)
    try:
        yield
    finally:
        sys.setprofile(previous)


def _relied_on(function: Any) -> str | None:
    name = getattr(function, "__name__", "")
    if getattr(function, "__qualname__", "") in _CLOCK_METHODS:
        return "the current time"
    if getattr(function, "__module__", None) == "time" and name in _TIME_FUNCTIONS:
        return "the current time"
    owner = getattr(function, "__self__", None)
    if isinstance(owner, random.Random) or name == "urandom":
        return "randomness"
    return None
