"""Apps whose data flask-testkit cannot isolate: one line says so; nothing reaches the data."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from generator_runs import copy_sample, ruff, run_init, run_pytest
from sqlalchemy.pool import NullPool

OUTER_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = OUTER_URL.startswith("postgresql")


@dataclass
class OwnDatabase:
    """The app's own data, as it was before init: a file's bytes, or a PostgreSQL table's rows."""

    url: str
    table: str

    def snapshot(self) -> object:
        url = sa.make_url(self.url)
        if url.get_backend_name() == "sqlite":
            return hashlib.sha256(Path(url.database or "").read_bytes()).hexdigest()
        engine = sa.create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                rows = connection.execute(sa.text(f"SELECT * FROM {self.table} ORDER BY 1"))
                return sorted(tuple(row) for row in rows)
        finally:
            engine.dispose()


def _own_postgres_database(label: str) -> str:
    base = sa.make_url(OUTER_URL)
    name = f"{base.database or 'datalayer'}_{label}_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(url: str) -> None:
    parsed = sa.make_url(url)
    server = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    server.dispose()


def _fill(url: str, create: str, insert: str) -> None:
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text(create))
        connection.execute(sa.text(insert))
    engine.dispose()


@dataclass
class UnsupportedRun:
    """A sample app on a data layer flask-testkit does not isolate, after init and its suite."""

    root: Path
    own: OwnDatabase
    before: object
    after_init: object
    after_suite: object
    init_output: str
    suite_returncode: int
    suite_output: str


SAMPLES = {
    # name: (--app, env key naming the app's database, table, CREATE, INSERT, label in the line)
    "peewee_app": (
        "links:create_app()",
        "LINKS_DB",
        "link",
        "CREATE TABLE link (id INTEGER PRIMARY KEY, url VARCHAR(255) UNIQUE, clicks INTEGER)",
        "INSERT INTO link (url, clicks) VALUES ('https://example.com', 3)",
        "peewee",
    ),
    "own_engine_app": (
        "warehouse:create_app()",
        "WAREHOUSE_DB",
        "stock",
        "CREATE TABLE stock (sku VARCHAR(20) PRIMARY KEY, count INTEGER NOT NULL)",
        "INSERT INTO stock (sku, count) VALUES ('bolt-m4', 250)",
        "an engine the app makes itself",
    ),
}


def _backends(name: str) -> list[str]:
    # peewee's SQLite file is the case it ships with; an app-made engine runs on either database.
    return ["postgresql"] if ON_POSTGRES and name == "own_engine_app" else ["sqlite"]


@pytest.fixture(
    scope="module",
    params=[(name, backend) for name in SAMPLES for backend in _backends(name)],
    ids=lambda param: "-".join(param),
)
def unsupported(request, tmp_path_factory: pytest.TempPathFactory) -> UnsupportedRun:
    """init and the generated suite on the sample, with the app's own data in place first."""
    name, backend = request.param
    spec, key, table, create, insert, _ = SAMPLES[name]
    root = copy_sample(name, tmp_path_factory.mktemp(name))
    if backend == "postgresql":
        url = _own_postgres_database("own")
        request.addfinalizer(lambda: _drop_postgres_database(url))
    else:
        url = f"sqlite:///{root / 'own.db'}"
    _fill(url, create, insert)
    own_value = url if name != "peewee_app" else str(root / "own.db")
    os.environ[key] = own_value
    request.addfinalizer(lambda: os.environ.pop(key, None))
    own = OwnDatabase(url, table)
    before = own.snapshot()
    init = run_init(root, "--app", spec, suffix=f"{name}_probe")
    assert init.returncode == 0, init.stderr
    after_init = own.snapshot()
    suite = run_pytest(root, "tests/", "-q", suffix=name)
    return UnsupportedRun(
        root,
        own,
        before,
        after_init,
        own.snapshot(),
        init.stdout,
        suite.returncode,
        suite.stdout,
    )


def _sample(run: UnsupportedRun) -> str:
    return run.root.name


def test_init_says_in_one_line_what_it_does_not_isolate(unsupported: UnsupportedRun) -> None:
    label = SAMPLES[_sample(unsupported)][5]
    lines = [line for line in unsupported.init_output.splitlines() if "data layer:" in line]
    assert len(lines) == 1, unsupported.init_output
    assert f"data layer: {label}" in lines[0]
    assert lines[0].endswith(
        "not isolated by flask-testkit; wrote app and client tests only, "
        "for endpoints that do not touch it"
    )


def test_the_conftest_claims_no_isolation(unsupported: UnsupportedRun) -> None:
    conftest = (unsupported.root / "tests" / "conftest.py").read_text()
    for claim in ("db_session", "isolated", "testing_database", "rolled back", "test database"):
        assert claim not in conftest
    assert "blocked_databases()" in conftest
    assert not (unsupported.root / "tests" / "factories.py").exists()


def test_endpoints_that_touch_the_data_are_left_out_and_named(unsupported: UnsupportedRun) -> None:
    touching = {"peewee_app": ["GET /links", "POST /links"], "own_engine_app": ["GET /stock/<sku>"]}
    for label in touching[_sample(unsupported)]:
        pattern = rf"  {re.escape(label)}: it opens .*, which flask-testkit does not isolate"
        assert re.search(pattern, unsupported.init_output), unsupported.init_output
    written = "\n".join(p.read_text() for p in (unsupported.root / "tests").rglob("test_*.py"))
    assert "/links" not in written and "/stock/" not in written


def test_the_generated_suite_passes(unsupported: UnsupportedRun) -> None:
    assert unsupported.suite_returncode == 0, unsupported.suite_output[-3000:]
    assert re.search(r"\b[1-9]\d* passed", unsupported.suite_output)
    assert ruff(unsupported.root, "check", "--no-cache", "tests").returncode == 0


def test_the_apps_own_data_is_unchanged(unsupported: UnsupportedRun) -> None:
    assert unsupported.after_init == unsupported.before
    assert unsupported.after_suite == unsupported.before


def test_a_test_that_reaches_the_apps_data_is_refused(unsupported: UnsupportedRun) -> None:
    # The conftest's guard, not luck, keeps the data safe: a hand-written test that opens it fails.
    path = {"peewee_app": "/links", "own_engine_app": "/stock/bolt-m4"}[_sample(unsupported)]
    probe = unsupported.root / "tests" / "test_reaches_data.py"
    probe.write_text(f"def test_reaches(client):\n    client.get({path!r})\n")
    try:
        result = run_pytest(unsupported.root, "tests/test_reaches_data.py", "-q", suffix="reach")
    finally:
        probe.unlink()
    assert result.returncode == 1, result.stdout[-2000:]
    assert "DataAccessBlocked" in result.stdout
    assert unsupported.own.snapshot() == unsupported.before


def test_a_raw_sqlite3_connection_the_app_holds_is_named(tmp_path: Path) -> None:
    app_file = tmp_path / "counter.py"
    app_file.write_text(
        "import sqlite3\n\nfrom flask import Flask\n\n"
        "connection = sqlite3.connect(':memory:', check_same_thread=False)\n\n\n"
        "def create_app():\n    app = Flask(__name__)\n\n"
        "    @app.get('/hits')\n    def hits():\n"
        "        return {'hits': connection.execute('select 1').fetchone()[0]}\n\n"
        "    @app.get('/ping')\n    def ping():\n        return {'ok': True}\n\n    return app\n"
    )
    result = run_init(tmp_path, "--app", "counter:create_app()", suffix="counter")
    assert result.returncode == 0, result.stderr
    assert "data layer: a sqlite3 connection (counter.connection)" in result.stdout
    assert "db_session" not in (tmp_path / "tests" / "conftest.py").read_text()


def test_detection_names_a_mongodb_client(tmp_path: Path) -> None:
    app_file = tmp_path / "catalogue.py"
    app_file.write_text(
        "import mongomock\nfrom flask import Flask\n\n"
        "client = mongomock.MongoClient()\n\n\n"
        "def create_app():\n    app = Flask(__name__)\n\n"
        "    @app.get('/ping')\n    def ping():\n        return {'ok': True}\n\n    return app\n"
    )
    result = run_init(tmp_path, "--app", "catalogue:create_app()", suffix="catalogue")
    assert result.returncode == 0, result.stderr
    assert "data layer: MongoDB (catalogue.client)" in result.stdout


MIXED_APP = """
import os

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), nullable=False)


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["NOTES_DB"]
    app.config["REPORTS_DB"] = os.environ["NOTES_DB"]
    db.init_app(app)
    app.extensions["reports"] = sa.create_engine(app.config["REPORTS_DB"])

    @app.get("/notes/<int:note_id>")
    def get_note(note_id):
        note = db.get_or_404(Note, note_id)
        return {"title": note.title}

    @app.get("/report")
    def report():
        with app.extensions["reports"].connect() as connection:
            return {"notes": connection.scalar(sa.text("SELECT count(*) FROM note"))}

    return app
"""


def test_an_extra_engine_beside_flask_sqlalchemy_is_named_and_its_endpoint_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.py").write_text(MIXED_APP)
    own = tmp_path / "own.db"
    _fill(
        f"sqlite:///{own}",
        "CREATE TABLE note (id INTEGER PRIMARY KEY, title VARCHAR(80) NOT NULL)",
        "INSERT INTO note (title) VALUES ('mine')",
    )
    before = hashlib.sha256(own.read_bytes()).hexdigest()
    monkeypatch.setenv("NOTES_DB", f"sqlite:///{own}")
    result = run_init(tmp_path, "--app", "notes:create_app()", suffix="mixed")
    assert result.returncode == 0, result.stderr
    assert (
        "data layer: an engine the app makes itself (app.extensions['reports']) — not isolated "
        "by flask-testkit; endpoints that use it are left out (the Flask-SQLAlchemy models are "
        "isolated as usual)"
    ) in result.stdout
    assert re.search(r"  GET /report: it opens .*, which flask-testkit", result.stdout)
    assert "def db_session" in (tmp_path / "tests" / "conftest.py").read_text()
    suite = run_pytest(tmp_path, "tests/", "-q", suffix="mixed")
    assert suite.returncode == 0, suite.stdout[-3000:]
    assert hashlib.sha256(own.read_bytes()).hexdigest() == before


def test_lite_async_engines_are_named_and_get_no_database_fixtures(tmp_path: Path) -> None:
    # An async engine on psycopg connects to nothing until it is used: no server is needed here.
    (tmp_path / "shelf.py").write_text(
        "from flask import Flask\nfrom flask_sqlalchemy_lite import SQLAlchemy\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n"
        "db = SQLAlchemy()\n\n\nclass Model(DeclarativeBase):\n    pass\n\n\n"
        "class Shelf(Model):\n    __tablename__ = 'shelves'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n\n\n"
        "def create_app():\n    app = Flask(__name__)\n"
        "    app.config['SQLALCHEMY_ENGINES'] = {'default': 'sqlite://'}\n"
        "    app.config['SQLALCHEMY_ASYNC_ENGINES'] = {\n"
        "        'default': 'postgresql+psycopg://nobody@127.0.0.1/shelves'\n    }\n"
        "    db.init_app(app)\n\n"
        "    @app.get('/ping')\n    def ping():\n        return {'ok': True}\n\n    return app\n"
    )
    result = run_init(tmp_path, "--app", "shelf:create_app()", suffix="shelf")
    assert result.returncode == 0, result.stderr
    assert (
        "data layer: Flask-SQLAlchemy-Lite's async engines (SQLALCHEMY_ASYNC_ENGINES) — not "
        "isolated by flask-testkit; wrote app and client tests only"
    ) in result.stdout
    conftest = (tmp_path / "tests" / "conftest.py").read_text()
    assert "db_session" not in conftest and "testing_lite_database" not in conftest
