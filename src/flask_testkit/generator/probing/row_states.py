"""What a case's rows hold before and after its request: keys, values, and what it changed."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..cases import Case, url_row
from ..planning.values import python_value
from .assigned_values import inserted_rows


def case_rows(names: dict[str, Any], case: Case) -> dict[str, Any]:
    """The single rows the case made, and the signed-in users, by variable."""
    rows = {s.var: names.get(s.var) for s in case.setups if not s.batch}
    for key in ("user", "admin_user"):
        if key in names:
            rows[key] = names[key]
    return {k: v for k, v in rows.items() if v is not None}


def made_rows(names: dict[str, Any], case: Case) -> list[Any]:
    """Every row the case made, batches included."""
    rows = list(case_rows(names, case).values())
    for setup in case.setups:
        if setup.batch:
            rows += list(names.get(setup.var, []))
    return rows


def row_keys(names: dict[str, Any], case: Case) -> dict[str, str]:
    """The primary-key attribute of each row the case made, by variable."""
    keys = {}
    for var, row in case_rows(names, case).items():
        try:
            primary = sa.inspect(type(row)).primary_key
            keys[var] = str(sa.inspect(type(row)).get_property_by_column(primary[0]).key)
        except (sa.exc.NoInspectionAvailable, IndexError):
            continue
    return keys


def row_values(names: dict[str, Any], case: Case) -> dict[str, dict[str, Any]]:
    """The column values of each row the case made, by variable, before the request."""
    values = {}
    for var, row in case_rows(names, case).items():
        try:
            mapper = sa.inspect(type(row))
        except sa.exc.NoInspectionAvailable:
            continue
        values[var] = {prop.key: getattr(row, prop.key, None) for prop in mapper.column_attrs}
    return values


def texts(rows: list[Any]) -> set[str]:
    """The text of every column value of rows, as a page or a body would show it."""
    return {
        str(python_value(value))
        for _, values in inserted_rows(rows)
        for value in values.values()
        if value is not None and len(str(value)) > 2
    }


def volatile_values(names: dict[str, Any], case: Case) -> set[str]:
    found: set[str] = set()
    for values in row_values(names, case).values():
        found.update(
            str(python_value(v))
            for v in values.values()
            if v is not None and str(v) not in ("", "0")
        )
    for setup in case.setups:
        if setup.batch:
            for row in names.get(setup.var, []):
                found.update(str(getattr(row, c.key, "")) for c in sa.inspect(type(row)).columns)
    return {v for v in found if len(v) > 1 or v.isdigit()}


def deleted(case: Case, names: dict[str, Any], session: Any) -> bool | None:
    if session is None or not case.setups:
        return None
    row = names.get(case.setups[-1].var)
    if row is None or case.setups[-1].batch:
        return None
    identity = sa.inspect(row).identity
    if identity is None:
        return None
    session.expire_all()
    return session.get(type(row), identity) is None


def changed(
    case: Case, names: dict[str, Any], session: Any, before: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The columns of the row the URL points at that the request changed, with their new values."""
    setup = url_row(case)
    if session is None or setup is None:
        return {}
    row = names.get(setup.var)
    if row is None or sa.inspect(row).identity is None:
        return {}
    try:
        session.expire(row)
        after = {
            prop.key: getattr(row, prop.key, None) for prop in sa.inspect(type(row)).column_attrs
        }
    except sa.exc.SQLAlchemyError:  # deleted, in another session, or the transaction is gone
        return {}
    was = before.get(setup.var, {})
    return {
        key: value
        for key, value in after.items()
        if isinstance(value, str | int | float) and key in was and was[key] != value
    }
