"""A test database's life in a run: recognise leftovers, create, mark, reuse or remove."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_testkit.database import (
    create_database,
    drop_tables_made_since,
    is_memory,
    table_names,
)
from flask_testkit.marking import (
    drop_created,
    drop_marked_tables,
    mark_created,
    mark_tables,
    read_mark,
)

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlalchemy.engine import URL


@dataclass
class Provisioned:
    """One test database of the run, and what the run owns in it."""

    url: URL
    engine: sa.Engine
    # The plugin created the whole database (now or in an earlier run it recognised).
    created: bool
    # Tables that were there before the run, in a database the plugin did not create.
    before: set[str] = field(default_factory=set)
    # The schema of an earlier --reuse-db run is kept: nothing to build, nothing to drop.
    reused: bool = False


def provision(
    url: URL, engine: sa.Engine, fingerprint: str, *, reuse: bool, recreate: bool
) -> Provisioned:
    """Make the database ready for its schema, clearing what a killed earlier run left behind."""
    keep = reuse and not recreate
    mark = read_mark(url)
    if mark is not None and mark.created:
        if keep and mark.fingerprint == fingerprint:
            return Provisioned(url, engine, created=True, reused=True)
        # The plugin's own, from a run that was killed or kept it: never the user's data.
        engine.dispose()
        drop_created(url)
    elif mark is not None:
        if keep and mark.fingerprint == fingerprint:
            before = table_names(engine) - mark.tables
            return Provisioned(url, engine, created=False, before=before, reused=True)
        drop_marked_tables(engine, mark)
    created = create_database(url)
    if created:
        # Marked before the schema exists: a run killed from here on is still recognised.
        mark_created(url, None)
        return Provisioned(url, engine, created=True)
    before = table_names(engine)
    return Provisioned(url, engine, created=False, before=before)


def schema_built(database: Provisioned, fingerprint: str, *, reuse: bool) -> None:
    """Record what the run made: the schema's fingerprint, and its tables in a shared database."""
    if database.reused or is_memory(database.url):
        return
    if database.created:
        if reuse:
            mark_created(database.url, fingerprint)
        return
    made = table_names(database.engine) - database.before
    if made:
        mark_tables(database.engine, made, fingerprint)


def release(database: Provisioned, *, reuse: bool) -> None:
    """Remove what the run made, or keep it all for the next --reuse-db run."""
    if reuse and not is_memory(database.url):
        database.engine.dispose()
        return
    if database.created:
        database.engine.dispose()
        drop_created(database.url)
        return
    try:
        drop_tables_made_since(database.engine, database.before)
    finally:
        database.engine.dispose()
