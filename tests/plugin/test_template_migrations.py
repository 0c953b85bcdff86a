"""Under xdist, Flask-Migrate's migrations run once, in the template."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from template_project import FILE_BACKENDS, Run

from flask_testkit.templates import template_of

USERAPI_MIGRATIONS = Path(__file__).parents[2] / "examples" / "userapi" / "migrations"

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


@pytest.fixture(params=FILE_BACKENDS)
def run(
    request: pytest.FixtureRequest, project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> Run:
    made = Run(project, request.param, monkeypatch)
    request.addfinalizer(made.drop_all)
    return made


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
