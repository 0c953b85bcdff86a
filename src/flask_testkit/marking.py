"""Marks on what the plugin creates, so that a later run knows its own leftovers and the schema."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from flask_testkit.database import database_exists, drop_database, is_memory, server_engine

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.engine import URL

# A database the plugin created carries this mark outside its tables, so that the app's own
# checks (reflection, Alembic's autogenerate) see only the app's schema:
# PostgreSQL: a comment on the database; SQLite: the file header's application id.
_COMMENT_TAG = "flask-testkit test database"
_SQLITE_APPLICATION_ID = 0x666B7473  # "fkts"
# In a database it did not create, the tables it made are listed in a table of its own.
MARKER_TABLE = "flask_testkit_marker"


@dataclass
class Mark:
    """What a database says about the plugin's earlier runs in it."""

    created: bool = False
    tables: set[str] = field(default_factory=set)
    fingerprint: str | None = None


def schema_fingerprint(metadatas: Iterable[sa.MetaData], migration_files: Iterable[Path]) -> str:
    """A digest of the models' tables and the migration files that build the schema."""
    digest = hashlib.sha256()
    tables = sorted((t for m in metadatas for t in m.tables.values()), key=lambda t: t.fullname)
    for table in tables:
        digest.update(f"table {table.fullname}\n".encode())
        for column in table.columns:
            default = column.server_default
            digest.update(
                f"  {column.name} {column.type!r} null={column.nullable} pk={column.primary_key} "
                f"default={getattr(default, 'arg', default)!r} "
                f"fk={sorted(fk.target_fullname for fk in column.foreign_keys)}\n".encode()
            )
        # Sorted by their whole line: `constraints` and `indexes` are sets, and unnamed ones
        # would otherwise come in an order that changes from one process to the next.
        lines = []
        for constraint in table.constraints:
            names = sorted(c.name for c in getattr(constraint, "columns", []))
            lines.append(f"  {type(constraint).__name__} {constraint.name} {names}\n")
        for index in table.indexes:
            names = [c.name for c in index.columns]
            lines.append(f"  index {index.name} {names} unique={index.unique}\n")
        for line in sorted(lines):
            digest.update(line.encode())
    for path in sorted(migration_files):
        digest.update(f"file {path.name}\n".encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def migration_files(directory: str | Path | None) -> list[Path]:
    """The files of a migrations folder that decide the schema it builds."""
    if not directory or not Path(directory).is_dir():
        return []
    return [
        path
        for path in Path(directory).rglob("*")
        if path.is_file()
        and path.suffix in (".py", ".mako", ".ini")
        and "__pycache__" not in path.parts
    ]


def read_mark(url: URL) -> Mark | None:
    """The plugin's mark on an existing database, or None when it carries none."""
    if is_memory(url) or not database_exists(url):
        return None
    if _created_by_plugin(url):
        return Mark(created=True, fingerprint=_created_fingerprint(url))
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        if MARKER_TABLE not in sa.inspect(engine).get_table_names():
            return None
        with engine.connect() as connection:
            entries = connection.scalars(sa.text(f"SELECT entry FROM {MARKER_TABLE}")).all()
    finally:
        engine.dispose()
    mark = Mark()
    for entry in entries:
        kind, _, value = entry.partition(":")
        if kind == "table":
            mark.tables.add(value)
        elif kind == "fingerprint":
            mark.fingerprint = value
    return mark


def mark_created(url: URL, fingerprint: str | None) -> None:
    """Mark a database the plugin created as its own, with the schema it holds (if built)."""
    if is_memory(url):
        return
    backend = url.get_backend_name()
    if backend == "sqlite":
        engine = sa.create_engine(url, poolclass=NullPool)
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql(f"PRAGMA application_id = {_SQLITE_APPLICATION_ID}")
        finally:
            engine.dispose()
        sidecar = _sidecar(url)
        if fingerprint:
            sidecar.write_text(fingerprint)
        else:
            sidecar.unlink(missing_ok=True)
    elif backend == "postgresql":
        text = json.dumps({"by": _COMMENT_TAG, "fingerprint": fingerprint})
        engine = server_engine(url)
        try:
            with engine.connect() as connection:
                quoted = engine.dialect.identifier_preparer.quote(url.database or "")
                literal = text.replace("'", "''")
                connection.exec_driver_sql(f"COMMENT ON DATABASE {quoted} IS '{literal}'")
        finally:
            engine.dispose()


def forget_created(url: URL) -> None:
    """Remove what marks a created database outside it (SQLite's sidecar file)."""
    if url.get_backend_name() == "sqlite" and not is_memory(url):
        _sidecar(url).unlink(missing_ok=True)


def drop_created(url: URL) -> None:
    """Drop a database the plugin created, and what marks it outside it."""
    drop_database(url)
    forget_created(url)


def mark_tables(engine: sa.Engine, tables: set[str], fingerprint: str) -> None:
    """List the tables the plugin made in a database it did not create."""
    marker = sa.Table(
        MARKER_TABLE, sa.MetaData(), sa.Column("entry", sa.String(300), primary_key=True)
    )
    with engine.begin() as connection:
        marker.create(connection, checkfirst=True)
        connection.execute(marker.delete())
        rows = [{"entry": f"table:{name}"} for name in sorted(tables)]
        rows.append({"entry": f"fingerprint:{fingerprint}"})
        connection.execute(marker.insert(), rows)


def drop_marked_tables(engine: sa.Engine, mark: Mark) -> None:
    """Drop the tables an earlier run made and left behind, with the list of them."""
    present = set(sa.inspect(engine).get_table_names())
    names = sorted((mark.tables | {MARKER_TABLE}) & present)
    if names:
        reflected = sa.MetaData()
        reflected.reflect(engine, only=names)
        reflected.drop_all(engine)


def _sidecar(url: URL) -> Path:
    return Path(f"{url.database}.flask-testkit")


def _created_by_plugin(url: URL) -> bool:
    backend = url.get_backend_name()
    if backend == "sqlite":
        engine = sa.create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                found = connection.exec_driver_sql("PRAGMA application_id").scalar()
        finally:
            engine.dispose()
        return found == _SQLITE_APPLICATION_ID
    if backend == "postgresql":
        return _postgres_comment(url).get("by") == _COMMENT_TAG
    return False


def _created_fingerprint(url: URL) -> str | None:
    if url.get_backend_name() == "sqlite":
        sidecar = _sidecar(url)
        return sidecar.read_text().strip() if sidecar.exists() else None
    value = _postgres_comment(url).get("fingerprint")
    return str(value) if value else None


def _postgres_comment(url: URL) -> dict[str, object]:
    engine = server_engine(url)
    try:
        with engine.connect() as connection:
            comment = connection.scalar(
                sa.text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = :name"
                ),
                {"name": url.database},
            )
    finally:
        engine.dispose()
    try:
        found = json.loads(comment or "")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
