"""Run pytest on small generated projects built around `project/inner_app.py`."""

from __future__ import annotations

import os
from pathlib import Path

# In-process runs drop the modules they imported. A second import of SQLAlchemy's PostgreSQL dialect
# warns, and a second import of psycopg makes exception classes that SQLAlchemy no longer
# recognises, so both are imported once here, outside the runs.
import psycopg  # noqa: F401
import pytest
import sqlalchemy.dialects.postgresql.psycopg  # noqa: F401
from plugin_helpers import BACKENDS, unique_postgres_url

PROJECT = Path(__file__).parent / "project"

# Runs last in every inner module: after the scenario's teardown, nothing may be left.
TRAILER = """

def test_zz_nothing_left_behind(independent):
    assert set(independent().values()) == {0}
"""

INI = """
[pytest]
flask_app = inner_app:create_app()
"""


class InnerProject:
    """A pytester project holding the inner app, its leak-checking conftest and an ini file."""

    def __init__(self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, backend: str):
        self.pytester = pytester
        self.backend = backend
        pytester.makeconftest((PROJECT / "inner_conftest.py").read_text())
        pytester.makeini(INI)
        if backend == "sqlite-file":
            monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{pytester.path / 'inner.db'}")
        elif backend == "postgresql":
            monkeypatch.setenv("TEST_DATABASE_URL", unique_postgres_url("plugin"))
        self.db_url = os.environ.get("TEST_DATABASE_URL", "")

    def run(self, source: str, *args: str) -> pytest.RunResult:
        """Write one test module and run it in order (the leak check reads the next test)."""
        self.pytester.makepyfile(test_inner=source + TRAILER)
        return self.pytester.runpytest_inprocess(
            "-p", "no:randomly", "-p", "no:cacheprovider", *args
        )


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A generated project holding the inner app, with no plugin setting in the environment."""
    # An inner run is never an xdist worker, even when this outer run is one.
    names = ("FLASK_APP", "TEST_DATABASE_URL", "INNER_APP_DB", "INNER_APP_AUDIT_DB")
    for name in (*names, "PYTEST_XDIST_WORKER"):
        monkeypatch.delenv(name, raising=False)
    pytester.makefile(".py", inner_app=(PROJECT / "inner_app.py").read_text())
    return pytester


@pytest.fixture(params=BACKENDS)
def inner(
    request: pytest.FixtureRequest, project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> InnerProject:
    """The inner project with its leak check, on each database backend of this run."""
    return InnerProject(project, monkeypatch, request.param)


@pytest.fixture
def postgres_url() -> str:
    """A fresh PostgreSQL database name (only meaningful when this run is on PostgreSQL)."""
    return unique_postgres_url("plugin")
