"""A killed run's test database is recognised and rebuilt; --reuse-db keeps it while unchanged."""

from __future__ import annotations

import signal
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from plugin_helpers import BACKENDS, OUTER_DB_URL
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from flask_testkit.database import create_database, database_exists, drop_database
from flask_testkit.marking import mark_tables, read_mark, schema_fingerprint

APP = """
import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)
{extra}

def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["CONFIGURED_DB"]
    db.init_app(app)
    return app
"""

NICKNAME = "    nickname = db.Column(db.String(80), nullable=True)\n"

USES_NICKNAME = """
from leftover_app import Member


def test_the_new_column_is_there(db_session):
    db_session.add(Member(email="a@example.com", nickname="a"))
    db_session.commit()
    assert db_session.query(Member).one().nickname == "a"
"""

WAITS_TO_BE_KILLED = """
import os
import time
from pathlib import Path

from leftover_app import Member


def test_killed_in_the_middle(db_session):
    db_session.add(Member(email="a@example.com"))
    db_session.commit()
    Path(os.environ["READY_FILE"]).write_text("ready")
    time.sleep(600)
"""

INI = "[pytest]\nflask_app = leftover_app:create_app()\n"

FILE_BACKENDS = [backend for backend in BACKENDS if backend != "sqlite-memory"]


@pytest.fixture(params=FILE_BACKENDS)
def test_copy(
    request: pytest.FixtureRequest, project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> URL:
    """The test copy the plugin derives from the app's configured database, on this backend."""
    if request.param == "postgresql":
        name = f"plugin_db_configured_{uuid.uuid4().hex[:8]}"
        configured = make_url(OUTER_DB_URL).set(database=name)
        test_url = configured.set(database=f"{name}_test")
    else:
        configured = make_url(f"sqlite:///{project.path / 'configured.db'}")
        test_url = make_url(f"sqlite:///{project.path / 'configured_test.db'}")
    create_database(configured)
    request.addfinalizer(lambda: drop_database(configured))
    request.addfinalizer(lambda: drop_database(test_url))
    monkeypatch.setenv("CONFIGURED_DB", configured.render_as_string(hide_password=False))
    project.makeini(INI)
    write_app(project, nickname=False)
    return test_url


def write_app(project: pytest.Pytester, *, nickname: bool) -> None:
    project.makepyfile(leftover_app=APP.format(extra=NICKNAME if nickname else ""))


def columns(url: URL) -> set[str]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        return {column["name"] for column in sa.inspect(engine).get_columns("member")}
    finally:
        engine.dispose()


def add_sentinel(url: URL) -> None:
    """A table of no model: it survives only as long as the database is kept."""
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE sentinel (id INTEGER PRIMARY KEY)"))
    engine.dispose()


def has_sentinel(url: URL) -> bool:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        return "sentinel" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_run_killed_with_sigkill_is_followed_by_a_clean_run(
    project: pytest.Pytester, test_copy: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = project.path / "ready"
    monkeypatch.setenv("READY_FILE", str(ready))
    project.makepyfile(test_killed=WAITS_TO_BE_KILLED)
    process = project.popen(
        [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider", "-q"],
        stdout=sys.stdout,
        stderr=sys.stderr,
    )
    try:
        deadline = time.monotonic() + 300
        while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ready.exists(), "the inner test never started"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    # The killed run left its test copy behind, marked as the plugin's own, with the old schema.
    assert database_exists(test_copy)
    mark = read_mark(test_copy)
    assert mark is not None
    assert mark.created
    assert columns(test_copy) == {"id", "email"}

    write_app(project, nickname=True)
    (project.path / "test_killed.py").unlink()
    project.makepyfile(test_next=USES_NICKNAME)
    project.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)
    assert not database_exists(test_copy)


def test_reuse_db_keeps_the_schema_until_the_models_change(
    project: pytest.Pytester, test_copy: URL
) -> None:
    project.makepyfile(
        test_member="""
from leftover_app import Member


def test_member(db_session):
    db_session.add(Member(email="a@example.com"))
    db_session.commit()
    assert db_session.query(Member).count() == 1
"""
    )
    project.runpytest_inprocess("--reuse-db").assert_outcomes(passed=1)
    assert database_exists(test_copy)
    add_sentinel(test_copy)

    # Same models: the database and everything in it is kept.
    project.runpytest_inprocess("--reuse-db").assert_outcomes(passed=1)
    assert has_sentinel(test_copy)

    # A new column: the schema is rebuilt from scratch.
    write_app(project, nickname=True)
    project.makepyfile(test_member=USES_NICKNAME)
    project.runpytest_inprocess("--reuse-db").assert_outcomes(passed=1)
    assert not has_sentinel(test_copy)
    assert "nickname" in columns(test_copy)

    # --create-db rebuilds it even when nothing changed.
    add_sentinel(test_copy)
    project.runpytest_inprocess("--reuse-db", "--create-db").assert_outcomes(passed=1)
    assert not has_sentinel(test_copy)

    # Without --reuse-db the run removes it again.
    project.runpytest_inprocess().assert_outcomes(passed=1)
    assert not database_exists(test_copy)


def test_tables_left_in_a_database_the_user_owns_are_dropped_and_made_again(
    project: pytest.Pytester, test_copy: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The user's own database, set as the test URL: the plugin only ever adds tables to it.
    create_database(test_copy)
    engine = sa.create_engine(test_copy, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE keepme (id INTEGER PRIMARY KEY, note TEXT)"))
        connection.execute(sa.text("INSERT INTO keepme (id, note) VALUES (1, 'mine')"))
        # What a killed run left: its table, with the old schema, listed in the marker table.
        connection.execute(sa.text("CREATE TABLE member (id INTEGER PRIMARY KEY, email TEXT)"))
    mark_tables(engine, {"member"}, "an-older-schema")
    monkeypatch.setenv("TEST_DATABASE_URL", test_copy.render_as_string(hide_password=False))
    write_app(project, nickname=True)
    project.makepyfile(test_next=USES_NICKNAME)
    project.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)
    with engine.connect() as connection:
        assert sorted(sa.inspect(connection).get_table_names()) == ["keepme"]
        assert connection.execute(sa.text("SELECT note FROM keepme")).scalars().all() == ["mine"]
    engine.dispose()


def test_the_fingerprint_follows_the_models() -> None:
    def metadata(*extra: sa.Column[object]) -> sa.MetaData:
        meta = sa.MetaData()
        sa.Table("member", meta, sa.Column("id", sa.Integer, primary_key=True), *extra)
        return meta

    plain = schema_fingerprint([metadata()], [])
    assert schema_fingerprint([metadata()], []) == plain
    assert schema_fingerprint([metadata(sa.Column("nickname", sa.String(80)))], []) != plain
    assert schema_fingerprint([metadata(sa.Column("nickname", sa.String(40)))], []) != (
        schema_fingerprint([metadata(sa.Column("nickname", sa.String(80)))], [])
    )


def test_the_fingerprint_does_not_depend_on_the_order_of_unnamed_constraints() -> None:
    # A table's constraints are a set, ordered by the objects' ids: each xdist worker, and each
    # run, builds them at other addresses.
    def metadata() -> sa.MetaData:
        meta = sa.MetaData()
        sa.Table(
            "member",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("email", sa.String(120), unique=True),
            sa.Column("age", sa.Integer),
            sa.CheckConstraint("age > 0"),
            sa.UniqueConstraint("age", "email"),
        )
        return meta

    assert len({schema_fingerprint([metadata()], []) for _ in range(30)}) == 1


def test_migration_files_are_part_of_the_fingerprint(tmp_path: Path) -> None:
    from flask_testkit.marking import migration_files

    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0001_first.py").write_text("revision = '0001'\n")
    first = schema_fingerprint([], migration_files(tmp_path))
    (versions / "0002_second.py").write_text("revision = '0002'\n")
    assert schema_fingerprint([], migration_files(tmp_path)) != first


def test_a_factory_that_creates_its_tables_leaves_no_test_copy_behind(
    project: pytest.Pytester, test_copy: URL
) -> None:
    project.makepyfile(
        leftover_app=APP.format(extra="").replace(
            "    db.init_app(app)\n",
            "    db.init_app(app)\n    with app.app_context():\n        db.create_all()\n",
        )
    )
    project.makepyfile(
        test_member="""
from leftover_app import Member


def test_member(db_session):
    db_session.add(Member(email="a@example.com"))
    db_session.commit()
"""
    )
    project.runpytest_inprocess().assert_outcomes(passed=1)
    assert not database_exists(test_copy)


def test_a_run_where_no_test_uses_the_app_leaves_no_test_copy(
    project: pytest.Pytester, test_copy: URL
) -> None:
    # The header builds the app, which makes its test copy; no test ever takes it over.
    project.makepyfile(test_other="def test_other():\n    assert True\n")
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    assert any("a test copy of the configured" in line for line in result.outlines)
    assert not database_exists(test_copy)
