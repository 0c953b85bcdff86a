"""The database the probes run on: the one the generated suite will use, set up the same way."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from flask_testkit.sqlalchemy_extensions import ALCHEMICAL

from ..reading.app_loading import AppTarget
from ..reading.file_database import fresh_file
from ..reading.models import ModelScan

Isolated = Callable[[], AbstractContextManager[Any]]


@contextmanager
def probing_database(scan: ModelScan | None, target: AppTarget) -> Iterator[tuple[Flask, Isolated]]:
    """The app built for probing, and a block in which all it writes is rolled back."""
    if scan is None and target.database_file is not None:
        database = target.database_file
        with tempfile.TemporaryDirectory(prefix="ftk-probe-") as folder:
            build_folder = Path(folder) / "build"
            build_folder.mkdir()
            app = target.build(tmp_path=build_folder)
            yield app, lambda: fresh_file(app, database, Path(folder))
    elif scan is None:
        app = target.build()
        yield app, lambda: _app_context_only(app)
    elif scan.extension is not None:
        app = target.build()
        with extension_database(app, scan) as db:
            yield app, lambda: _extension_isolated(app, db)
    elif scan.plain is not None:
        from flask_testkit import testing_engine

        plain = scan.plain
        # The suite's conftest binds the session before it builds the app; so do the probes.
        with testing_engine(plain.session, plain.base.metadata, default_url="sqlite://"):
            app = target.build()
            yield app, lambda: _session_isolated(app, plain.session)
    else:
        from flask_testkit import testing_database

        app = target.build()
        with testing_database(app, default_url="sqlite://") as db:
            yield app, lambda: _db_isolated(app, db)


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
