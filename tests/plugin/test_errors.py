"""Each misconfiguration is one line that says what to set."""

from __future__ import annotations

import pytest

USES_CLIENT = """
def test_home(client):
    assert client.get("/").status_code == 404
"""


def only_error_line(result: pytest.RunResult) -> str:
    """The message printed under the setup error, which must be a single line."""
    start = next(n for n, line in enumerate(result.outlines) if "ERROR at setup" in line)
    message, following = result.outlines[start + 1 : start + 3]
    assert following.startswith(("=====", "-----"))
    return message


def test_no_app_configured(project: pytest.Pytester) -> None:
    project.makepyfile(USES_CLIENT)
    result = project.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    assert only_error_line(result) == (
        "flask-testkit: no Flask app is configured. Set `flask_app = "
        "\"package:create_app('testing')\"` under [tool.pytest.ini_options], pass --flask-app, "
        "set FLASK_APP, or define an `app` fixture in conftest.py."
    )


def test_an_app_module_that_does_not_exist(project: pytest.Pytester) -> None:
    project.makepyfile(USES_CLIENT)
    result = project.runpytest_inprocess("--flask-app", "no_such_module:create_app()")
    result.assert_outcomes(errors=1)
    line = only_error_line(result)
    assert line.startswith(
        "flask-testkit: could not load the app 'no_such_module:create_app()' (from --flask-app): "
    )
    assert line.endswith("the value uses Flask's --app syntax.")


def test_an_app_that_fails_to_import(project: pytest.Pytester) -> None:
    project.makepyfile(broken_app="import flask\nraise RuntimeError('settings missing')\n")
    project.makepyfile(USES_CLIENT)
    result = project.runpytest_inprocess("--flask-app", "broken_app:create_app()")
    result.assert_outcomes(errors=1)
    assert "RuntimeError: settings missing" in only_error_line(result)


def test_a_factory_that_fails_to_build(project: pytest.Pytester) -> None:
    project.makepyfile(USES_CLIENT)
    result = project.runpytest_inprocess("--flask-app", "inner_app:create_app(42)")
    result.assert_outcomes(errors=1)
    line = only_error_line(result)
    assert line.startswith("flask-testkit: the app 'inner_app:create_app(42)' (from --flask-app) ")
    assert "TypeError" in line


def test_db_session_on_an_app_without_flask_sqlalchemy(project: pytest.Pytester) -> None:
    project.makepyfile(plain_app="from flask import Flask\napp = Flask('plain')\n")
    project.makepyfile("def test_db(db_session):\n    assert db_session is not None\n")
    result = project.runpytest_inprocess("--flask-app", "plain_app")
    result.assert_outcomes(errors=1)
    assert only_error_line(result) == (
        "flask-testkit: The db_session fixture needs Flask-SQLAlchemy, but the app 'plain' has "
        "none registered. Call db.init_app(app) in your app factory, or drop the fixture from "
        "the test."
    )


def test_an_app_without_flask_sqlalchemy_still_gets_client_and_runner(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(
        plain_app="""
from flask import Flask

app = Flask("plain")


@app.get("/")
def home():
    return "hello"


@app.cli.command("greet")
def greet():
    print("hi")
"""
    )
    project.makepyfile(
        """
def test_client(client):
    assert client.get("/").text == "hello"


def test_runner(runner):
    assert runner.invoke(args=["greet"]).output == "hi\\n"
"""
    )
    project.runpytest_inprocess("--flask-app", "plain_app").assert_outcomes(passed=2)


def test_a_database_that_cannot_be_reached(project: pytest.Pytester) -> None:
    project.makepyfile(USES_CLIENT)
    result = project.runpytest_inprocess(
        "--flask-app",
        "inner_app:create_app()",
        "--db-url",
        "postgresql+psycopg://nobody@127.0.0.1:1/nowhere",
    )
    result.assert_outcomes(errors=1)
    line = only_error_line(result)
    assert line.startswith(
        "flask-testkit: cannot reach the test database "
        "postgresql+psycopg://nobody@127.0.0.1:1/nowhere: "
    )
    assert line.endswith(
        "Start the database server, or point TEST_DATABASE_URL (or --db-url, or ini flask_db_url) "
        "at a database you can reach."
    )


def test_a_database_url_that_is_not_one(project: pytest.Pytester) -> None:
    project.makepyfile(USES_CLIENT)
    result = project.runpytest_inprocess(
        "--flask-app", "inner_app:create_app()", "--db-url", "not a url"
    )
    result.assert_outcomes(errors=1)
    assert only_error_line(result) == (
        "flask-testkit: --db-url is not a database URL: 'not a url'. Use SQLAlchemy's form, "
        "e.g. postgresql+psycopg://user@localhost/app_test or sqlite:///test.db."
    )


def test_a_schema_that_cannot_be_created(project: pytest.Pytester) -> None:
    project.makepyfile(
        broken_models="""
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.ForeignKey("customer.id"))


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    return app
"""
    )
    project.makepyfile(USES_CLIENT)
    result = project.runpytest_inprocess("--flask-app", "broken_models:create_app()")
    result.assert_outcomes(errors=1)
    line = only_error_line(result)
    assert line.startswith("flask-testkit: could not create the test schema in sqlite://: ")
    assert "customer" in line
    assert line.endswith("Fix the models (or migrations) named above.")


def test_errors_in_a_guide_style_fixture_are_one_line_for_every_test(
    project: pytest.Pytester,
) -> None:
    project.makeconftest(
        """
import pytest
from flask_testkit import testing_database
from inner_app import create_app


@pytest.fixture(scope="session")
def app():
    app = create_app()
    with testing_database(app, url="postgresql+psycopg://nobody@127.0.0.1:1/nowhere"):
        yield app
"""
    )
    project.makepyfile("def test_one(app):\n    pass\n\n\ndef test_two(app):\n    pass\n")
    result = project.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(errors=2)
    messages = [
        result.outlines[n + 1] for n, line in enumerate(result.outlines) if "ERROR at setup" in line
    ]
    assert len(messages) == 2
    assert all(m.startswith("flask-testkit: cannot reach the test database") for m in messages)
    assert "Traceback" not in result.stdout.str()
    assert "During handling" not in result.stdout.str()
