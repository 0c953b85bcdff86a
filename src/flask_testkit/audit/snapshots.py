"""What tests can share, taken at one moment, and the difference between two such moments."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

# Values compared by content as well as identity: a dict filled in place is a change too.
_PLAIN = (str, bytes, int, float, bool, type(None), list, tuple, dict, set, frozenset)
_MAX_ITEMS = 200
_MAX_TABLES = 200
_IGNORED_ENVIRON = frozenset({"PYTEST_CURRENT_TEST"})

Value = tuple[int, str | None]


@dataclass
class Snapshot:
    """Module globals, config per app, the environment, the app context, and rows per table."""

    globals: dict[str, dict[str, Value]]
    config: dict[int, tuple[str, dict[str, Value]]]
    environ: dict[str, str]
    app_context: int | None
    rows: dict[str, int] = field(default_factory=dict)


def _value(value: Any) -> Value:
    if not isinstance(value, _PLAIN):
        return (id(value), None)
    # Plain values compare by content only: an equal int or list rebound is no change.
    if isinstance(value, (list, tuple, dict, set, frozenset)) and len(value) > _MAX_ITEMS:
        return (0, f"{type(value).__name__} of {len(value)}")
    try:
        return (0, repr(value)[:2000])
    except Exception:  # a repr that fails says nothing either way
        return (id(value), None)


def _globals(packages: tuple[str, ...]) -> dict[str, dict[str, Value]]:
    found: dict[str, dict[str, Value]] = {}
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in packages:
            continue
        found[name] = {
            attr: _value(value)
            for attr, value in list(vars(module).items())
            if not attr.startswith("__") and type(value).__name__ != "module"
        }
    return found


def _app_context() -> int | None:
    from flask.globals import _cv_app

    context = _cv_app.get(None)
    return id(context) if context is not None else None


def count_rows(engines: list[Any]) -> dict[str, int]:
    """Rows per table of each engine's database; a database that cannot be read is left out."""
    from sqlalchemy import inspect, text

    counts: dict[str, int] = {}
    for engine in engines:
        try:
            with engine.connect() as connection:
                names = inspect(connection).get_table_names()[:_MAX_TABLES]
                for table in names:
                    quoted = connection.dialect.identifier_preparer.quote(table)
                    key = table if len(engines) == 1 else f"{engine.url.database}.{table}"
                    rows = connection.execute(text(f"SELECT COUNT(*) FROM {quoted}")).scalar()
                    counts[key] = int(rows or 0)
        except Exception:  # a database dropped or locked since: nothing to compare
            continue
    return counts


def take_snapshot(packages: tuple[str, ...], apps: list[Any]) -> Snapshot:
    """Everything but rows, which are counted only where no test's transaction is open."""
    return Snapshot(
        globals=_globals(packages),
        config={
            id(app): (app.name, {key: _value(value) for key, value in list(app.config.items())})
            for app in apps
        },
        environ={k: v for k, v in os.environ.items() if k not in _IGNORED_ENVIRON},
        app_context=_app_context(),
    )


def _changed_names(before: dict[str, Value], after: dict[str, Value]) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


def difference(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """What after holds that before did not: rows added, names and keys changed, a context."""
    changed_globals = [
        f"{module}.{name}"
        for module in sorted(before.globals.keys() & after.globals.keys())
        for name in _changed_names(before.globals[module], after.globals[module])
    ]
    changed_config = [
        f"{before.config[app][0]}: {key}"
        for app in sorted(before.config.keys() & after.config.keys())
        for key in _changed_names(before.config[app][1], after.config[app][1])
    ]
    environ = sorted(
        key
        for key in before.environ.keys() | after.environ.keys()
        if before.environ.get(key) != after.environ.get(key)
    )
    rows = {
        table: count - before.rows[table]
        for table, count in sorted(after.rows.items())
        if table in before.rows and count > before.rows[table]
    }
    left_context = after.app_context is not None and after.app_context != before.app_context
    return {
        "rows": rows,
        "globals": changed_globals,
        "config": changed_config,
        "environ": environ,
        "app_context": left_context,
    }
