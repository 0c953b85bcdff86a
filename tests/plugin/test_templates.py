"""Under xdist, the schema is built once in a template and each worker's database is a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from plugin_helpers import BACKENDS, run_isolated_subprocess, unique_postgres_url
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from flask_testkit.database import create_database, database_exists, drop_database, with_suffix
from flask_testkit.marking import mark_created, read_mark
from flask_testkit.templates import template_of

USERAPI_MIGRATIONS = Path(__file__).parents[2] / "examples" / "userapi" / "migrations"

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

MIGRATED_APP = """
from flask_migrate import Migrate
from template_app import create_app as create_plain_app, db


def create_app():
    app = create_plain_app()
    app.config["SQLALCHEMY_BINDS"] = {}
    Migrate(app, db)
    return app
"""

MIGRATION = """
import os

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.create_table(
        "member",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(120), unique=True, nullable=False),
        sa.Column("migrated", sa.Boolean, nullable=True),
    )
    with open(os.environ["BUILD_LOG"], "a") as log:
        log.write(f"migration {op.get_bind().engine.url.database}\\n")


def downgrade():
    op.drop_table("member")
"""

MIGRATED_CHECKS = """
import sqlalchemy as sa
from template_app import db


def test_the_migration_ran_in_the_copy(app):
    with app.app_context():
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("member")}
        version = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert "migrated" in columns
    assert version == "0001"
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


@pytest.fixture(params=FILE_BACKENDS)
def run(
    request: pytest.FixtureRequest, project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> Run:
    made = Run(project, request.param, monkeypatch)
    request.addfinalizer(made.drop_all)
    return made


def names(url: URL, *suffixes: str) -> list[str]:
    return [str(with_suffix(url, suffix).database).rsplit("/", 1)[-1] for suffix in suffixes]


def test_the_schema_is_built_once_in_a_template_and_nothing_is_left(run: Run) -> None:
    run.pytest()
    # One build, in the templates: each worker's database is a copy.
    assert run.builds() == [
        f"audit_entry {template_of(run.bind('audit')).database}",
        f"member {template_of(run.bind(None)).database}",
    ]
    assert run.left() == []


def test_without_templates_each_worker_builds_its_own_schema(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_TESTKIT_DB_TEMPLATE", "0")
    monkeypatch.setenv("EXPECT_TEMPLATE", "none")
    run.pytest()
    assert [line.split()[0] for line in run.builds()] == ["audit_entry"] * 2 + ["member"] * 2
    assert run.left() == []


def test_reuse_db_keeps_the_template_until_the_models_change(run: Run) -> None:
    run.pytest("--reuse-db")
    assert len(run.builds()) == 2
    kept = names(run.url, "gw0", "gw1", "template")
    assert set(kept) <= set(run.left())

    # The workers' own copies gone, the kept template is copied again without a build.
    for suffix in ("gw0", "gw1"):
        drop_database(with_suffix(run.bind(None), suffix))
        drop_database(with_suffix(run.bind("audit"), suffix))
    run.pytest("--reuse-db")
    assert run.builds() == []

    # A new column: the template is built again, once, and the copies have the column.
    run.write_app(nickname=True)
    run.project.makepyfile(
        test_nickname="""
from template_app import Member


def test_the_new_column_is_there(db_session):
    db_session.add(Member(email="a@example.com", nickname="a"))
    db_session.flush()
"""
    )
    run.pytest("--reuse-db")
    assert len(run.builds()) == 2
    assert all("_template" in line for line in run.builds())

    # Without --reuse-db, the run removes the template and the copies it kept.
    run.pytest()
    assert run.left() == []


def test_migrations_run_once_in_the_template(run: Run) -> None:
    project = run.project
    project.makepyfile(migrated_app=MIGRATED_APP, test_checks=MIGRATED_CHECKS)
    shutil.copytree(USERAPI_MIGRATIONS, project.path / "migrations", ignore=_versions)
    (project.path / "migrations" / "versions").mkdir()
    (project.path / "migrations" / "versions" / "0001_member.py").write_text(MIGRATION)
    run.pytest("--flask-app", "migrated_app:create_app()", "--db-migrations")
    assert run.builds() == [f"migration {template_of(run.url).database}"]
    assert run.left() == []


def _versions(folder: str, entries: list[str]) -> list[str]:
    return [entry for entry in entries if entry in ("versions", "__pycache__")]


def test_a_template_left_by_a_killed_run_is_built_again(run: Run) -> None:
    # What a killed run left: the plugin's template, with an old schema and a stray table.
    for key in (None, "audit"):
        template = template_of(run.bind(key))
        create_database(template)
        add_table(template, "stale")
        mark_created(template, "an-older-schema")
    run.pytest()
    assert len(run.builds()) == 2
    assert run.left() == []


def test_a_database_of_the_users_named_like_a_template_is_left_alone(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = template_of(run.url)
    create_database(template)
    add_table(template, "mine")
    # Not the plugin's template: it is not checked.
    monkeypatch.setenv("EXPECT_TEMPLATE", "unchecked")
    try:
        # The workers build their own schema instead, and never touch it.
        run.pytest()
        assert len(run.builds()) == 4
        assert read_mark(template) is None
        engine = sa.create_engine(template, poolclass=NullPool)
        assert sa.inspect(engine).get_table_names() == ["mine"]
        engine.dispose()
        assert database_exists(template)
    finally:
        drop_database(template)
    assert run.left() == []


def add_table(url: URL, name: str) -> None:
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)"))
    engine.dispose()
