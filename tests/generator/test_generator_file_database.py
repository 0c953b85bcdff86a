"""An app on the sqlite3 module, whose config names its database file, as in Flask's tutorial."""

from __future__ import annotations

from pathlib import Path

import pytest
from generator_runs import GeneratedSuite, copy_sample, run_init, run_pytest, sample_suite

from flask_testkit.generator.reading.view_source import keys_read


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """The guestbook app (DATABASE in the instance folder, an init-db command) after init."""
    return sample_suite("sqlite3_app", tmp_path_factory)


def test_every_test_gets_a_database_file_of_its_own(suite: GeneratedSuite) -> None:
    conftest = suite.read("tests/conftest.py")
    assert "def app(tmp_path):" in conftest
    assert '"DATABASE": str(tmp_path / "test.sqlite")' in conftest
    assert 'invoke(args=["init-db"])' in conftest


def test_neither_init_nor_the_suite_touches_the_apps_own_database(suite: GeneratedSuite) -> None:
    assert suite.init.returncode == 0, suite.init.stderr
    assert suite.tests.returncode == 0, suite.tests.stdout[-2000:]
    assert not (suite.root / "instance" / "guestbook.sqlite").exists()


def test_a_form_the_view_reads_is_sent_with_its_keys(suite: GeneratedSuite) -> None:
    tests = suite.read("tests/integration/test_entries_api.py")
    assert 'form = {"author": ' in tests
    assert 'response = client.post("/entries/", data=form)' in tests


def read_json(request):
    data = request.get_json(silent=True) or {}
    name = data["name"]
    return name, data.get("email"), request.args.get("page")


def read_form(request):
    values = request.form
    return values.get("title"), request.form["body"], request.files.get("upload")


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (read_json, (["name", "email"], "json")),
        (read_form, (["title", "body"], "form")),
    ],
)
def test_keys_read_follows_the_body_and_names_bound_to_it(view, expected) -> None:
    assert keys_read(view) == expected


def test_a_schema_command_that_fails_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    root = copy_sample("sqlite3_app", tmp_path)
    (root / "guestbook" / "schema.sql").write_text("CREATE TABLE entry (;\n")

    result = run_init(root, "--app", "guestbook", suffix="broken_schema")

    assert result.returncode == 1
    assert result.stderr.startswith("Error: `flask init-db` failed: ")
    assert result.stderr.rstrip().endswith("so fix the command first.")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (root / "tests").exists()


URL_APP = """
import sqlite3

import click
from flask import Flask, current_app, jsonify


def open_db():
    return sqlite3.connect(current_app.config["DATABASE_URL"].removeprefix("sqlite:///"))


@click.command("create-db")
def create_db():
    with open_db() as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS visit (id INTEGER PRIMARY KEY)")


def create_app(overrides=None):
    app = Flask(__name__)
    app.config["DATABASE_URL"] = "sqlite:///visits.db"
    app.config.update(overrides or {})
    app.cli.add_command(create_db)

    @app.post("/visits")
    def record_visit():
        with open_db() as connection:
            connection.execute("INSERT INTO visit DEFAULT VALUES")
            count = connection.execute("SELECT count(*) FROM visit").fetchone()[0]
        return jsonify(visits=count), 201

    return app
"""


def test_a_database_named_by_a_sqlite_url_gets_a_url_to_the_tests_file(tmp_path: Path) -> None:
    (tmp_path / "visits.py").write_text(URL_APP)

    init = run_init(tmp_path, "--app", "visits:create_app()", suffix="url_db")
    suite = run_pytest(tmp_path, "tests", "-q", "-p", "randomly", suffix="url_db")

    assert init.returncode == 0, init.stderr
    conftest = (tmp_path / "tests" / "conftest.py").read_text()
    assert '"DATABASE_URL": f"sqlite:///{tmp_path / \'test.sqlite\'}"' in conftest
    assert 'invoke(args=["create-db"])' in conftest
    assert suite.returncode == 0, suite.stdout[-2000:]
    # Every test counts from one: each has a database of its own.
    tests = (tmp_path / "tests" / "integration" / "test_visits_api.py").read_text()
    assert '{"visits": 1}' in tests
    assert not (tmp_path / "visits.db").exists()
