"""A project whose schema is built under xdist, and what its runs built and left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from plugin_helpers import BACKENDS, run_isolated_subprocess, unique_postgres_url
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from flask_testkit.database import drop_database, with_suffix

APP = """
import os

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), unique=True, nullable=False)
{extra}

class AuditEntry(db.Model):
    __bind_key__ = "audit"
    id = db.Column(db.Integer, primary_key=True)


def built(table, connection, **kw):
    with open(os.environ["BUILD_LOG"], "a") as log:
        log.write(f"{{table.name}} {{connection.engine.url.database}}\\n")


for model in (Member, AuditEntry):
    sa.event.listen(model.__table__, "after_create", built)


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    app.config["SQLALCHEMY_BINDS"] = {{"audit": "sqlite://"}}
    db.init_app(app)
    return app
"""

NICKNAME = "    nickname = db.Column(db.String(80), nullable=True)\n"

# Run by every worker (--dist each): it waits for both to have their database. A worker that
# started late would otherwise find that the other, done already, removed the template, and
# build it again.
BARRIER = """
import os
import time
from pathlib import Path


def test_both_workers_have_their_database(app):
    log = Path(os.environ["BUILD_LOG"])
    log.with_name(f"{log.name}.{os.environ['PYTEST_XDIST_WORKER']}").touch()
    deadline = time.monotonic() + 300
    while len(list(log.parent.glob(f"{log.name}.gw*"))) < 2:
        assert time.monotonic() < deadline, "the other worker never started"
        time.sleep(0.05)
"""

# Run by every worker: each checks its own copy and the template beside it.
CHECKS = """
import os

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from flask_testkit.database import database_exists, with_suffix
from flask_testkit.marking import read_mark
from flask_testkit.templates import template_of
from template_app import db

TABLES = {None: "member", "audit": "audit_entry"}


def test_each_worker_runs_on_a_marked_copy(app):
    worker = os.environ["PYTEST_XDIST_WORKER"]
    base = make_url(os.environ["TEST_DATABASE_URL"])
    with app.app_context():
        engines = dict(db.engines)
    for key, engine in engines.items():
        bind_base = with_suffix(base, key)
        assert engine.url == with_suffix(bind_base, worker)
        assert TABLES[key] in sa.inspect(engine).get_table_names()
        assert read_mark(engine.url).created
        template = template_of(bind_base)
        expected = os.environ["EXPECT_TEMPLATE"]
        if expected == "made":
            assert read_mark(template).created
            assert read_mark(template).fingerprint
        elif expected == "none":
            assert not database_exists(template)
"""

FILE_BACKENDS = [backend for backend in BACKENDS if backend != "sqlite-memory"]


class Run:
    """A generated project whose test database is one of this run's backends, and its runs."""

    def __init__(self, project: pytest.Pytester, backend: str, monkeypatch: pytest.MonkeyPatch):
        self.project = project
        if backend == "postgresql":
            self.url = make_url(unique_postgres_url("tmpl"))
        else:
            self.url = make_url(f"sqlite:///{project.path / 'dbs' / 'tmpl.db'}")
        self.log = project.path / "build.log"
        monkeypatch.setenv("TEST_DATABASE_URL", self.url.render_as_string(hide_password=False))
        monkeypatch.setenv("BUILD_LOG", str(self.log))
        monkeypatch.setenv("EXPECT_TEMPLATE", "made")
        self.write_app(nickname=False)
        project.makeini("[pytest]\nflask_app = template_app:create_app()\n")
        project.makepyfile(test_checks=CHECKS, test_barrier=BARRIER)

    def write_app(self, *, nickname: bool) -> None:
        self.project.makepyfile(template_app=APP.format(extra=NICKNAME if nickname else ""))

    def pytest(self, *args: str) -> pytest.RunResult:
        """Run the project on 2 workers, every test on each, and expect all to pass."""
        self.log.write_text("")
        for joined in self.project.path.glob("build.log.gw*"):
            joined.unlink()
        result = run_isolated_subprocess(self.project, "-n", "2", "--dist", "each", *args)
        assert result.ret == 0, result.stdout.str()
        return result

    def builds(self) -> list[str]:
        """Where the schema was built in the last run: one line per table and database."""
        return sorted(self.log.read_text().splitlines())

    def bind(self, key: str | None) -> URL:
        return with_suffix(self.url, key)

    def left(self) -> list[str]:
        """What is left of the run's databases, templates and lock files."""
        if self.url.get_backend_name() == "sqlite":
            folder = Path(self.url.database or "").parent
            return sorted(path.name for path in folder.iterdir()) if folder.exists() else []
        admin = sa.create_engine(self.url.set(database="postgres"), poolclass=NullPool)
        with admin.connect() as connection:
            names = connection.scalars(
                sa.text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                {"prefix": f"{self.url.database}%"},
            ).all()
        admin.dispose()
        return sorted(names)

    def drop_all(self) -> None:
        for key in (None, "audit"):
            for suffix in ("template", "gw0", "gw1"):
                drop_database(with_suffix(self.bind(key), suffix))
