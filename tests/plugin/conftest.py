"""Run pytest on small generated projects built around `project/inner_app.py`."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

PROJECT = Path(__file__).parent / "project"
OUTER_DB_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = make_url(OUTER_DB_URL).get_backend_name() == "postgresql" if OUTER_DB_URL else False
# CI runs this suite once per database: the SQLite run covers both SQLite flavours.
BACKENDS = ["postgresql"] if ON_POSTGRES else ["sqlite-memory", "sqlite-file"]

# Runs last in every inner module: after the scenario's teardown, nothing may be left.
TRAILER = """

def test_zz_nothing_left_behind(independent):
    assert set(independent().values()) == {0}
"""

INI = """
[pytest]
flask_app = inner_app:create_app()
"""


def unique_postgres_url(label: str) -> str:
    """A database of its own for one inner run, so parallel outer runs never share one."""
    base = make_url(OUTER_DB_URL)
    name = f"{base.database or 'flask_testkit'}_{label}_{uuid.uuid4().hex[:8]}"
    return base.set(database=name).render_as_string(hide_password=False)


class InnerProject:
    """A pytester project holding the inner app, its leak-checking conftest and an ini file."""

    def __init__(self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, backend: str):
        self.pytester = pytester
        self.backend = backend
        pytester.makefile(".py", inner_app=(PROJECT / "inner_app.py").read_text())
        pytester.makeconftest((PROJECT / "inner_conftest.py").read_text())
        pytester.makeini(INI)
        for name in ("FLASK_APP", "TEST_DATABASE_URL", "INNER_APP_DB", "INNER_APP_AUDIT_DB"):
            monkeypatch.delenv(name, raising=False)
        if backend == "sqlite-file":
            monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{pytester.path / 'inner.db'}")
        elif backend == "postgresql":
            monkeypatch.setenv("TEST_DATABASE_URL", unique_postgres_url("plugin"))
        self.db_url = os.environ.get("TEST_DATABASE_URL", "")

    def run(self, source: str, *args: str) -> pytest.RunResult:
        """Write one test module and run it in order (the leak check reads the next test)."""
        self.pytester.makepyfile(test_inner=source + TRAILER)
        return self.pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider", *args)


@pytest.fixture(params=BACKENDS)
def inner(
    request: pytest.FixtureRequest, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> InnerProject:
    """A generated project on each database backend of this run."""
    return InnerProject(pytester, monkeypatch, request.param)
