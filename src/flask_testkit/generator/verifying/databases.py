"""The databases a verification runs on: SQLite, and a fresh one beside the user's."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ...database import display, drop_database, is_memory
from ..errors import GeneratorError

SQLITE = "sqlite://"
# PostgreSQL cuts names at 63 bytes; the suffix must survive, and xdist may add `_gw12`.
_KEPT_OF_NAME = 40


@dataclass(frozen=True)
class Database:
    """One database the suite is run on: how it is shown, its URL, and whether it is ours."""

    label: str
    url: str
    made: URL | None = None

    @property
    def backend(self) -> str:
        """ "sqlite", "postgresql"...: what `flask_db_backend` is in the suite's conditions."""
        return make_url(self.url).get_backend_name()

    def drop(self) -> None:
        """Remove the database verification made, if the suite left it behind."""
        if self.made is not None:
            drop_database(self.made)


def verification_databases(url: str | None, work: Path) -> tuple[list[Database], list[str]]:
    """SQLite, then the user's database's server with a name of our own; notes on what is not."""
    sqlite = Database("SQLite", SQLITE)
    if not url:
        return [sqlite], []
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise GeneratorError(
            f"--db-url (or TEST_DATABASE_URL) is not a database URL: {url!r}; use SQLAlchemy's "
            "form, e.g. postgresql+psycopg://user@localhost/app_test."
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if is_memory(parsed):
            return [sqlite], []
        own = parsed.set(database=str(work / "verify.db"))
        return [sqlite, Database(f"SQLite file ({display(parsed)})", _text(own))], []
    if backend == "postgresql":
        name = f"{(parsed.database or 'flask_testkit')[:_KEPT_OF_NAME]}_verify_"
        # A random name cannot be one of the user's: the run creates it and drops it.
        own = parsed.set(database=name + secrets.token_hex(4))
        return [sqlite, Database(display(own), _text(own), own)], []
    return [sqlite], [
        f"not verified on {display(parsed)}: verification makes databases on SQLite and "
        "PostgreSQL only; the suite was verified on SQLite"
    ]


def _text(url: URL) -> str:
    return url.render_as_string(hide_password=False)
