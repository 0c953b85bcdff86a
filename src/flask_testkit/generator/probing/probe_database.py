"""The database the probes run on: the one the generated suite will use, set up the same way."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from flask_testkit import settings as plugin_settings
from flask_testkit.sqlalchemy_extensions import ALCHEMICAL

from ..errors import GeneratorError
from ..reading.app_files import ScratchCopy, file_settings, point_into, written_settings
from ..reading.app_loading import AppTarget
from ..reading.builds import build_for_probes
from ..reading.file_database import fresh_file
from ..reading.models import ModelScan
from .sandbox import Allowed

Isolated = Callable[[], AbstractContextManager[Any]]
_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "mssql": 1433}


def allowed_database_address(url: str | None = None) -> Allowed:
    """The one address probes may connect to: the test database's host and port (or socket)."""
    url = url or plugin_settings.current().db_url.value
    if not url:
        return Allowed()
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return Allowed()
    port = parsed.port or _DEFAULT_PORTS.get(parsed.get_backend_name())
    hosts: set[tuple[str, int | None]] = set()
    unix_paths = {str(v) for k, v in parsed.query.items() if k in ("host", "unix_socket")}
    if parsed.host:
        names = {parsed.host.lower()}
        if names & {"localhost", "127.0.0.1", "::1"}:
            names |= {"localhost", "127.0.0.1", "::1"}
        hosts = {(name, port) for name in names}
    elif parsed.get_backend_name() == "postgresql":
        # No host: libpq's default socket folder.
        unix_paths |= {"/var/run/postgresql", "/run/postgresql", "/tmp"}
    return Allowed(frozenset(hosts), frozenset(unix_paths))


@contextmanager
def probes_on_sqlite() -> Iterator[None]:
    """Probe on in-memory SQLite, whatever TEST_DATABASE_URL says: the suite must pass there.

    Verification then runs the suite on the user's database too, where a failure that only that
    database has is told apart from one of the suite's own.
    """
    found = plugin_settings.current()
    plugin_settings.push(replace(found, db_url=plugin_settings.Setting(None, "init's probes")))
    try:
        yield
    finally:
        plugin_settings.pop()


@contextmanager
def probing_database(
    scan: ModelScan | None, target: AppTarget, first: Flask, copy: ScratchCopy
) -> Iterator[tuple[Flask, Isolated]]:
    """The app built for probing, and a block in which all it writes is rolled back."""
    with _probing_database(scan, target, first) as (app, isolated):
        skip = {target.database_file.key} if target.database_file else set()
        original = dict(app.config)
        target.files = file_settings(app, copy, skip)
        # What exists already was made while the app was imported and built.
        target.built_files = {setting.key for setting in target.files if setting.path.exists()}
        with tempfile.TemporaryDirectory(prefix="ftk-files-") as folder:
            point_into(app, target.files, Path(folder))
            yield app, isolated
            # Folders the project has and the app wrote to while probed: tests get their own too.
            current = dict(app.config)
            app.config.update(original)
            target.files += written_settings(app, copy, skip | {s.key for s in target.files})
            app.config.update(current)


@contextmanager
def _probing_database(
    scan: ModelScan | None, target: AppTarget, first: Flask
) -> Iterator[tuple[Flask, Isolated]]:
    if scan is None and target.database_file is not None:
        database = target.database_file
        if target.single_build is not None:
            raise GeneratorError(
                f"the app factory builds a different app the second time ({target.single_build}),"
                " and tests of an app on a database file build one per test. Pass --app naming"
                " the app object a module builds once, e.g. --app 'wsgi:app'."
            )
        with tempfile.TemporaryDirectory(prefix="ftk-probe-") as folder:
            build_folder = Path(folder) / "build"
            build_folder.mkdir()
            app = build_for_probes(target, first, tmp_path=build_folder)
            yield app, lambda: fresh_file(app, database, Path(folder))
    elif scan is None:
        app = build_for_probes(target, first)
        yield app, lambda: _app_context_only(app)
    elif scan.extension is not None:
        app = build_for_probes(target, first)
        with extension_database(app, scan) as db:
            yield app, lambda: _extension_isolated(app, db)
    elif scan.plain is not None:
        from flask_testkit import testing_engine

        plain = scan.plain
        # The suite's conftest binds the session before it builds the app; so do the probes.
        with testing_engine(plain.session, plain.base.metadata, default_url="sqlite://"):
            app = build_for_probes(target, first)
            yield app, lambda: _session_isolated(app, plain.session)
    else:
        from flask_testkit import testing_database

        app = build_for_probes(target, first)
        with testing_database(app, default_url="sqlite://") as db:
            yield app, lambda: _db_isolated(app, db)


def with_own_files(app: Flask, target: AppTarget, isolated: Isolated) -> Isolated:
    """Each probe gets new folders for the config keys that name files, as each test does."""
    if not target.files:
        return isolated

    @contextmanager
    def block() -> Iterator[Any]:
        with tempfile.TemporaryDirectory(prefix="ftk-files-") as folder, isolated() as session:
            point_into(app, target.files, Path(folder))
            yield session

    return block


@contextmanager
def _app_context_only(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield None


def shared_session_isolated(app: Flask, session: Any) -> Isolated:
    """A rolled-back block around the session the generated factories share."""
    return lambda: _session_isolated(app, session)


@contextmanager
def _session_isolated(app: Flask, session: Any) -> Iterator[Any]:
    from flask_testkit import isolated_session

    with app.app_context(), isolated_session(session) as current:
        yield current


@contextmanager
def _db_isolated(app: Flask, db: Any) -> Iterator[Any]:
    from flask_testkit import isolated_database

    with app.app_context(), isolated_database(db) as session:
        yield session


def extension_database(app: Flask, scan: ModelScan) -> AbstractContextManager[Any]:
    """The test database of a Flask-SQLAlchemy-Lite or Alchemical app, as the suite opens it."""
    from flask_testkit import testing_alchemical, testing_lite_database

    if scan.extension == ALCHEMICAL:
        return testing_alchemical(app, scan.db, default_url="sqlite://")
    return testing_lite_database(app, scan.metadata, default_url="sqlite://")


@contextmanager
def _extension_isolated(app: Flask, db: Any) -> Iterator[Any]:
    from flask_testkit import isolated_lite_database

    with app.app_context(), isolated_lite_database(db) as session:
        yield session
