"""Apps that keep their data in a SQLite file named by their config, as Flask's tutorial does."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from ..code import Code
from ..errors import GeneratorError

_SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db", ".db3")
_INIT_COMMAND = re.compile(r"(init|create|setup|reset)[-_]?(db|database)|initdb", re.IGNORECASE)
# Where the conftest puts each test's database: pytest's tmp_path.
TEST_FILE = 'tmp_path / "test.sqlite"'
# The same inside an f-string, where Python before 3.12 needs the other quotes.
_TEST_FILE_IN_FSTRING = "tmp_path / 'test.sqlite'"


@dataclass(frozen=True)
class FileDatabase:
    """The config key that names the app's database file, and the command that makes its schema."""

    key: str
    as_url: bool
    init_command: str | None

    def setting(self) -> Code:
        """The value the conftest gives the key: a file in the test's own temporary folder."""
        if self.as_url:
            return Code(f'f"sqlite:///{{{_TEST_FILE_IN_FSTRING}}}"')
        return Code(f"str({TEST_FILE})")

    def value_for(self, path: Path) -> str:
        """The key's value for a database at path."""
        return f"sqlite:///{path}" if self.as_url else str(path)


def find_file_database(app: Flask) -> FileDatabase | None:
    """The app's SQLite file setting (not Flask-SQLAlchemy's), if its config has one."""
    for key, value in app.config.items():
        if key.startswith("SQLALCHEMY_") or not isinstance(value, str):
            continue
        as_url = value.startswith("sqlite:///")
        path = value.removeprefix("sqlite:///")
        if path.lower().endswith(_SQLITE_SUFFIXES) and ("DATABASE" in key or "DB" in key):
            return FileDatabase(key, as_url, _init_command(app))
    return None


def _init_command(app: Flask) -> str | None:
    names = sorted(app.cli.commands)
    return next((name for name in names if _INIT_COMMAND.fullmatch(name)), None)


def create_schema(app: Flask, database: FileDatabase) -> str | None:
    """Run the app's own schema command; the reason it failed, or None."""
    if database.init_command is None:
        return None
    # `flask` pushes an app context for every command; the test runner does not.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=[database.init_command])
    if result.exit_code != 0:
        reason = result.output.strip() or repr(result.exception)
        return f"`flask {database.init_command}` failed: {reason}"
    return None


@contextmanager
def fresh_file(app: Flask, database: FileDatabase, folder: Path) -> Iterator[Any]:
    """A new database file, schema made, for one probe; the app's own file is never opened."""
    handle, name = tempfile.mkstemp(prefix="probe-", suffix=".sqlite", dir=folder)
    os.close(handle)
    path = Path(name)
    app.config[database.key] = database.value_for(path)
    failed = create_schema(app, database)
    if failed:
        path.unlink(missing_ok=True)
        raise GeneratorError(
            f"{failed}; every generated test runs it on a new database, so fix the command first."
        )
    try:
        with app.app_context():
            yield None
    finally:
        path.unlink(missing_ok=True)
