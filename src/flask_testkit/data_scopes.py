"""Rows that a class-, module- or session-scoped fixture makes once, for every test of its scope.

Django's setUpTestData, for pytest: the fixture writes inside `scoped_data(request)`. Its rows
stay while the scope lasts; each test sees them and rolls back to them (a level, see
pinned_engine.py); when the scope ends they are rolled back too. Scopes nest: the session's rows,
then a module's or a class's, then what each test writes.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import scoped_session

from flask_testkit.app_database import app_engines, require_sqlalchemy
from flask_testkit.errors import ConfigurationError
from flask_testkit.isolation import isolated_engines
from flask_testkit.lite_database import active_extension
from flask_testkit.sqlalchemy_extensions import engines_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest
    from flask import Flask
    from flask.ctx import AppContext
    from sqlalchemy.engine import Engine

# The app contexts of scoped_data() blocks that have not ended yet.
_open_blocks: list[AppContext] = []


def database_of(app: Flask, needed_by: str) -> tuple[Any, list[Engine]]:
    """The app's extension (Flask-SQLAlchemy, Lite or Alchemical) and every engine it has."""
    extension = active_extension(app)
    if extension is not None:
        return extension, list(engines_of(app, extension).values())
    db = require_sqlalchemy(app, needed_by)
    return db, list(app_engines(app, db).values())


@contextmanager
def scoped_data(request: pytest.FixtureRequest) -> Iterator[Any]:
    """What a fixture writes in the block stays for each test of its scope, then rolls back.

    Use it in a fixture with scope "class", "module", "package" or "session", and end the block
    before the fixture returns or yields. The block runs in an app context and yields the app's
    `db.session`; Factory Boy factories bound to it work as they do in a test. What the block
    commits or leaves flushed is kept. The objects it made keep their loaded columns afterwards;
    in a test, load a row again (`db.session.get(Model, row.id)`) to change it or to follow its
    relationships.
    """
    if request.scope == "function":
        raise ConfigurationError(
            "scoped_data() is for fixtures with scope 'class', 'module', 'package' or 'session'; "
            f"the fixture {request.fixturename!r} is function-scoped. Rows a single test needs "
            "go in the test or a plain fixture: they are rolled back after it anyway."
        )
    flask_app: Flask = request.getfixturevalue("app")
    db, engines = database_of(flask_app, "scoped_data()")
    scope = ExitStack()
    # Registered first, so that the rows are rolled back even when the block fails.
    request.addfinalizer(scope.close)
    scope.enter_context(
        isolated_engines(engines, transaction=False, reset_sequences=False, level="scope")
    )
    context = flask_app.app_context()
    context.push()
    _open_blocks.append(context)
    try:
        session = db.session
        _keep_loaded(session)
        yield session
        session.commit()
    except BaseException:
        scope.close()
        raise
    finally:
        _open_blocks.remove(context)
        # Popping it removes the session, as the end of a request does: its objects stay loaded.
        context.pop()


def _keep_loaded(session: Any) -> None:
    # A committed row's columns would be expired, and a closed session cannot load them again.
    instance = session() if isinstance(session, scoped_session) else session
    instance.expire_on_commit = False


def check_no_open_block() -> None:
    """Fail a test that starts while a scoped_data() block is still open."""
    if _open_blocks:
        raise ConfigurationError(
            "a test started inside a scoped_data() block: its app context would serve the test's "
            "requests. End the block before the fixture returns or yields: "
            "`with scoped_data(request): rows = ...`, then `return rows`."
        )
