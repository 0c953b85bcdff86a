"""Under xdist, the schema is built once in a template and each worker's database is a copy."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool
from template_project import FILE_BACKENDS, Run

from flask_testkit.database import create_database, database_exists, drop_database, with_suffix
from flask_testkit.marking import mark_created, read_mark
from flask_testkit.templates import template_of


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
