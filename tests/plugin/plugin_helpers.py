"""What the plugin's tests share: the databases this run covers, fresh names, source snippets."""

from __future__ import annotations

import os
import uuid

from sqlalchemy.engine import make_url

OUTER_DB_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = make_url(OUTER_DB_URL).get_backend_name() == "postgresql" if OUTER_DB_URL else False
# CI runs this suite once per database: the SQLite run covers both SQLite flavours.
BACKENDS = ["postgresql"] if ON_POSTGRES else ["sqlite-memory", "sqlite-file"]


def unique_postgres_url(label: str) -> str:
    """A database of its own for one inner run, so parallel outer runs never share one."""
    base = make_url(OUTER_DB_URL)
    name = f"{base.database or 'flask_testkit'}_{label}_{uuid.uuid4().hex[:8]}"
    return base.set(database=name).render_as_string(hide_password=False)


def user_factory_source(
    binding: str = "sqlalchemy_session = db.session", persistence: str = "flush"
) -> str:
    """A module holding a Factory Boy `UserFactory` for the inner app, bound as given."""
    return f"""
import factory
from inner_app import User, db


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = User
        {binding}
        sqlalchemy_session_persistence = "{persistence}"

    email = factory.Sequence(lambda n: f"user{{n}}@example.com")
"""


def run_isolated_subprocess(pytester, *args: str, plugin: bool = True, xdist: bool = True):
    """Run pytest in a subprocess with only the plugins named: the inner run starts in seconds."""
    import os as _os

    env_before = _os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    _os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        plugins = ["-p", "randomly"]
        if xdist:
            plugins += ["-p", "xdist"]
        if plugin:
            plugins += ["-p", "flask_testkit.plugin"]
        return pytester.runpytest_subprocess(*plugins, *args)
    finally:
        if env_before is None:
            del _os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"]
        else:
            _os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = env_before
