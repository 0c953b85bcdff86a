"""The test database is created when missing, gets the schema, and is gone after the run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from plugin_helpers import ON_POSTGRES
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from flask_testkit.database import is_memory, test_copy_of, with_suffix

SCHEMA_CHECK = """
import os
import sqlalchemy as sa
from inner_app import db


def test_schema_exists(app):
    with app.app_context():
        tables = sa.inspect(db.engine).get_table_names()
        url = db.engine.url
    assert "user" in tables
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        assert url.database.endswith(f"_{worker}") or url.database.endswith(f"_{worker}.db")
    print("DATABASE", url.database)
"""


def database_exists(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Path(parsed.database or "").exists()
    admin = sa.create_engine(parsed.set(database="postgres"), poolclass=NullPool)
    with admin.connect() as connection:
        found = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
    admin.dispose()
    return bool(found)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, project: pytest.Pytester) -> str:
    """A database URL on this run's backend that does not exist yet."""
    if ON_POSTGRES:
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{project.path / 'made' / 'app.db'}"


def suffixed(url: str, suffix: str) -> str:
    return with_suffix(make_url(url), suffix).render_as_string(hide_password=False)


def test_a_missing_database_is_created_and_dropped(
    project: pytest.Pytester, database_url: str
) -> None:
    project.makepyfile(SCHEMA_CHECK)
    result = project.runpytest_inprocess(
        "-s", "--flask-app", "inner_app:create_app()", "--db-url", database_url
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*DATABASE {make_url(database_url).database}"])
    assert not database_exists(database_url)
    assert not database_exists(suffixed(database_url, "audit"))


def test_an_existing_database_keeps_its_tables_and_rows(
    project: pytest.Pytester, database_url: str
) -> None:
    from flask_testkit.database import create_database, drop_database

    url = make_url(database_url)
    create_database(url)
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text('CREATE TABLE "user" (id INTEGER PRIMARY KEY, email TEXT)'))
        connection.execute(sa.text("INSERT INTO \"user\" VALUES (1, 'dev@example.com')"))
    try:
        project.makepyfile(SCHEMA_CHECK)
        result = project.runpytest_inprocess(
            "--flask-app", "inner_app:create_app()", "--db-url", database_url
        )
        result.assert_outcomes(passed=1)
        assert database_exists(database_url)
        assert sa.inspect(engine).get_table_names() == ["user"]
        with engine.connect() as connection:
            emails = connection.scalars(sa.text('SELECT email FROM "user"')).all()
        assert emails == ["dev@example.com"]
    finally:
        engine.dispose()
        drop_database(url)


@pytest.mark.parametrize(
    ("option", "expected"),
    [((), "from_default"), (("--db-url", "sqlite:///from_setting.db"), "from_setting")],
)
def test_default_url_applies_only_when_no_database_is_set(
    project: pytest.Pytester, option: tuple[str, ...], expected: str
) -> None:
    project.makeconftest(
        """
import pytest
from flask_testkit import testing_database
from inner_app import create_app, db


@pytest.fixture(scope="session")
def app():
    app = create_app()
    with testing_database(app, default_url="sqlite:///from_default.db"):
        yield app
"""
    )
    project.makepyfile(
        f"""
from inner_app import db


def test_database(app):
    with app.app_context():
        assert db.engine.url.database.endswith("{expected}.db")
"""
    )
    project.runpytest_inprocess(*option).assert_outcomes(passed=1)
    # Relative SQLite paths live in the app's instance folder; the run removed what it made.
    assert list((project.path / "instance").iterdir()) == []


def test_each_xdist_worker_gets_its_own_database(
    project: pytest.Pytester, database_url: str
) -> None:
    project.makepyfile(
        test_a=SCHEMA_CHECK, test_b=SCHEMA_CHECK.replace("test_schema", "test_other_schema")
    )
    result = project.runpytest_subprocess(
        "-n", "2", "--flask-app", "inner_app:create_app()", "--db-url", database_url
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*one copy per xdist worker (_gw0, _gw1, ...)"])
    for worker in ("gw0", "gw1"):
        assert not database_exists(suffixed(database_url, worker))


def test_migrations_build_the_schema_when_asked(
    project: pytest.Pytester, database_url: str
) -> None:
    project.makepyfile(
        migrated_app="""
from flask_migrate import Migrate
from inner_app import create_app as create_inner_app, db


def create_app():
    app = create_inner_app({"SQLALCHEMY_BINDS": {}})
    Migrate(app, db)
    return app
"""
    )
    project.makepyfile(
        migration="""
revision = "0001"
down_revision = None

from alembic import op
import sqlalchemy as sa


def upgrade():
    op.create_table(
        "user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(120), unique=True, nullable=False),
        sa.Column("migrated", sa.Boolean, nullable=True),
    )


def downgrade():
    op.drop_table("user")
"""
    )
    flask_db_init = project.run(
        sys.executable, "-m", "flask", "--app", "migrated_app:create_app()", "db", "init"
    )
    assert flask_db_init.ret == 0, flask_db_init.stderr.str()
    (project.path / "migration.py").rename(project.path / "migrations/versions/0001_user.py")
    project.makepyfile(
        """
import sqlalchemy as sa
from inner_app import db


def test_the_migration_ran(app):
    with app.app_context():
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("user")}
        version = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert "migrated" in columns
    assert version == "0001"
"""
    )
    result = project.runpytest_inprocess(
        "--flask-app", "migrated_app:create_app()", "--db-url", database_url, "--db-migrations"
    )
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("url", "suffix", "expected"),
    [
        ("postgresql://localhost/app_test", "gw0", "postgresql://localhost/app_test_gw0"),
        ("sqlite:///tmp/app.db", "gw1", "sqlite:///tmp/app_gw1.db"),
        ("sqlite:////abs/app", "audit", "sqlite:////abs/app_audit"),
        ("sqlite://", "gw0", "sqlite://"),
        ("sqlite:///:memory:", "gw0", "sqlite:///:memory:"),
        ("postgresql://localhost/app_test", None, "postgresql://localhost/app_test"),
    ],
)
def test_database_names_get_a_suffix(url: str, suffix: str | None, expected: str) -> None:
    assert with_suffix(make_url(url), suffix) == make_url(expected)


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("postgresql://localhost/app", "postgresql://localhost/app_test"),
        ("postgresql://localhost/app_test", "postgresql://localhost/app_test_test"),
        ("sqlite:////srv/app/instance/app.db", "sqlite:////srv/app/instance/app_test.db"),
        ("sqlite:///relative/app.sqlite3", "sqlite:///relative/app_test.sqlite3"),
        ("sqlite:////srv/app/data", "sqlite:////srv/app/data_test"),
        ("sqlite://", "sqlite://"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
    ],
)
def test_the_test_copy_is_named_after_the_configured_database(
    configured: str, expected: str
) -> None:
    assert test_copy_of(make_url(configured)) == make_url(expected)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite://", True),
        ("sqlite:///:memory:", True),
        ("sqlite:///file:shared?mode=memory&uri=true", True),
        ("sqlite:///app.db", False),
        ("postgresql://localhost/app", False),
    ],
)
def test_in_memory_databases_are_recognised(url: str, expected: bool) -> None:
    assert is_memory(make_url(url)) is expected
