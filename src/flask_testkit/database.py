"""Name, create and drop test databases, whatever the app or the framework around it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from flask_testkit.errors import ConfigurationError, one_line
from flask_testkit.settings import DB_URL_ENV, DB_URL_INI, DB_URL_OPTION

UNREACHABLE_HINT = (
    f"Start the database server, or point {DB_URL_ENV} (or {DB_URL_OPTION}, or ini {DB_URL_INI}) "
    "at a database you can reach."
)


def xdist_worker() -> str | None:
    """The pytest-xdist worker id (`gw0`, ...) of this process, if it is one."""
    return os.environ.get("PYTEST_XDIST_WORKER") or None


def is_memory(url: URL) -> bool:
    """Whether the URL names an in-memory SQLite database, which needs no creating."""
    database = url.database or ""
    return url.get_backend_name() == "sqlite" and (
        database in ("", ":memory:") or url.query.get("mode") == "memory"
    )


def with_suffix(url: URL, suffix: str | None) -> URL:
    """The same database name with `_suffix` added (`test.db` -> `test_gw0.db`)."""
    if not suffix or is_memory(url) or not url.database:
        return url
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        return url.set(database=str(path.with_name(f"{path.stem}_{suffix}{path.suffix}")))
    return url.set(database=f"{url.database}_{suffix}")


def test_copy_of(url: URL) -> URL:
    """The test database for a configured one: `<name>_test`, `<file>_test.db`; memory stays."""
    return with_suffix(url, "test")


# Its name starts with "test": without this, a test module that imports it would collect it.
test_copy_of.__test__ = False  # type: ignore[attr-defined]


def database_exists(url: URL) -> bool:
    """Whether the database is there now (an in-memory one never is, until it is opened)."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        return not is_memory(url) and Path(url.database or "").exists()
    if backend == "postgresql":
        engine = server_engine(url)
        try:
            with engine.connect() as connection:
                return bool(
                    connection.scalar(
                        sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                        {"name": url.database},
                    )
                )
        except SQLAlchemyError as exc:
            raise unreachable(url, exc) from exc
        finally:
            engine.dispose()
    return True


def display(url: URL | str) -> str:
    """A URL fit for the run header: the password is hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return f"{url!r} (not a database URL)"


def parse(url: str, source: str) -> URL:
    """The URL of a setting, or a one-line error that shows the expected form."""
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"{source} is not a database URL: {url!r}. Use SQLAlchemy's form, "
            "e.g. postgresql+psycopg://user@localhost/app_test or sqlite:///test.db."
        ) from exc


def server_engine(url: URL) -> sa.Engine:
    # PostgreSQL needs a connection to some other database to create or drop this one.
    return sa.create_engine(
        url.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )


def create_database(url: URL) -> bool:
    """Make sure the database exists; return True when this call created it."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        if is_memory(url):
            return False
        path = Path(url.database or "")
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        return True
    if backend == "postgresql":
        engine = server_engine(url)
        try:
            with engine.connect() as connection:
                exists = connection.scalar(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                    {"name": url.database},
                )
                if exists:
                    return False
                quoted = engine.dialect.identifier_preparer.quote(url.database or "")
                connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
                return True
        except SQLAlchemyError as exc:
            raise unreachable(url, exc) from exc
        finally:
            engine.dispose()
    check_reachable(url)
    return False


def drop_database(url: URL) -> None:
    """Remove a database that `create_database` made."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not is_memory(url):
            for extra in ("", "-journal", "-wal", "-shm"):
                Path(f"{url.database}{extra}").unlink(missing_ok=True)
        return
    if backend == "postgresql":
        engine = server_engine(url)
        try:
            with engine.connect() as connection:
                quoted = engine.dialect.identifier_preparer.quote(url.database or "")
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        finally:
            engine.dispose()


def copy_database(template: URL, url: URL) -> None:
    """Create the database `url` as a copy of `template`, schema and rows, which must be idle."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        target = Path(url.database or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        # The backup API takes what is still in the template's -wal file too; read-only, so that
        # a missing template fails instead of being created empty.
        source_uri = f"{Path(template.database or '').resolve().as_uri()}?mode=ro"
        source = sqlite3.connect(source_uri, uri=True)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        return
    if backend != "postgresql":
        raise ValueError(f"cannot copy a {backend} database")
    engine = server_engine(url)
    try:
        with engine.connect() as connection:
            quote = engine.dialect.identifier_preparer.quote
            name, original = quote(url.database or ""), quote(template.database or "")
            connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {original}")
    finally:
        engine.dispose()


def table_names(engine: sa.Engine) -> set[str]:
    """The tables in the engine's database now."""
    return set(sa.inspect(engine).get_table_names())


def drop_tables_made_since(engine: sa.Engine, before: set[str]) -> None:
    """Drop the tables that were not there before, and only those."""
    made = table_names(engine) - before
    if made:
        reflected = sa.MetaData()
        reflected.reflect(engine, only=sorted(made))
        reflected.drop_all(engine)


def check_reachable(url: URL) -> None:
    """Connect once, so that a database that is down fails with a clear message."""
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        raise unreachable(url, exc) from exc
    finally:
        engine.dispose()


def unreachable(url: URL, exc: BaseException) -> ConfigurationError:
    """The error for a database that could not be reached."""
    reason = one_line(getattr(exc, "orig", None) or exc).rstrip(".")
    end = "" if reason.endswith("?") else "."
    return ConfigurationError(
        f"cannot reach the test database {display(url)}: {reason}{end} {UNREACHABLE_HINT}"
    )
