"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import os

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_testkit import testing_database
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db


@pytest.fixture
def migrated_app(tmp_path):
    """An app on its own scratch database, built by running every migration."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url:
        base = make_url(server_url)
        url = base.set(database=f"{base.database}_migrations").render_as_string(False)
    else:
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    app = create_app("testing")
    with testing_database(app, url=url, migrations=True), app.app_context():
        yield app


def test_migrations_match_the_models(migrated_app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_migrations_downgrade_to_an_empty_schema(migrated_app):
    flask_migrate.downgrade(revision="base")
    assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
