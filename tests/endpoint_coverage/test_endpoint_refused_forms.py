"""A form page that answers a refused submission with the form again has an error case."""

from __future__ import annotations

import json

import pytest
from endpoint_projects import report_lines, write_project

FORM_APP = """
from flask import Flask, redirect, render_template_string
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired


class NoteForm(FlaskForm):
    text = StringField("Text", validators=[DataRequired()])


def create_app():
    app = Flask("notes")
    app.config.update(TESTING=True, SECRET_KEY="test", WTF_CSRF_ENABLED=False)

    @app.route("/notes/new", methods=["GET", "POST"])
    def new_note():
        form = NoteForm()
        if form.validate_on_submit():
            return redirect("/notes/new")
        return render_template_string("{{ form.errors }}", form=form)

    return app
"""

CONFTEST = """
import pytest
from app import create_app


@pytest.fixture
def client():
    return create_app().test_client()
"""

TESTS = """
def test_new_note(client):
    assert client.post("/notes/new", data={"text": "milk"}).status_code == 302


def test_new_note_without_text_shows_the_form_again(client):
    response = client.post("/notes/new", data={})
    assert response.status_code == 200
    assert "required" in response.get_data(as_text=True)


def test_the_form_page(client):
    assert client.get("/notes/new").status_code == 200
"""

REFUSED = "200 form refused"


def test_a_refused_form_shown_again_is_an_error_case(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    write_project(pytester, FORM_APP, CONFTEST, TESTS)

    result = pytester.runpytest("--endpoint-coverage-json=coverage.json", "-p", "no:randomly")

    result.assert_outcomes(passed=3)
    assert report_lines(result)[1:] == [
        "  Method  Rule        Statuses         Tests  Result",
        "(no blueprint)",
        "  GET     /notes/new  200                  1  no error case",
        f"  POST    /notes/new  {REFUSED}      2  ok",
        "                      302",
        "TOTAL: 1/2 endpoints have a happy path and an error case (50%)",
    ]
    data = json.loads((pytester.path / "coverage.json").read_text())
    rows = {(row["rule"], row["method"]): row for row in data["endpoints"]}
    new_note = rows[("/notes/new", "POST")]
    assert new_note["statuses"] == {"302": ["test_app.py::test_new_note"]}
    assert new_note["refused_forms"] == {
        "200": ["test_app.py::test_new_note_without_text_shows_the_form_again"]
    }
    assert rows[("/notes/new", "GET")]["refused_forms"] == {}


def test_forms_are_watched_only_while_recording(pytester: pytest.Pytester) -> None:
    from wtforms import Form

    original = Form.validate
    write_project(pytester, FORM_APP, CONFTEST, TESTS)
    result = pytester.runpytest_inprocess("--endpoint-coverage", "-p", "no:randomly")
    result.assert_outcomes(passed=3)
    assert Form.validate is original


LOGIN_APP = """
from flask import Flask, redirect, render_template_string
from flask_wtf import FlaskForm
from wtforms import PasswordField


class LoginForm(FlaskForm):
    password = PasswordField("Password")


def create_app():
    app = Flask("login")
    app.config.update(TESTING=True, SECRET_KEY="test", WTF_CSRF_ENABLED=False)

    @app.route("/login", methods=["GET", "POST"])
    def login():
        form = LoginForm()
        if form.validate_on_submit():
            if form.password.data == "right":
                return redirect("/")
            form.password.errors.append("Wrong password.")
        return render_template_string("{{ form.password.errors }}", form=form)

    return app
"""

LOGIN_TESTS = """
def test_login(client):
    assert client.post("/login", data={"password": "right"}).status_code == 302


def test_login_with_a_wrong_password(client):
    response = client.post("/login", data={"password": "wrong"})
    assert "Wrong password." in response.get_data(as_text=True)
"""


def test_a_form_the_view_refused_and_shows_again_with_its_error_is_an_error_case(
    pytester: pytest.Pytester,
) -> None:
    # The form validated: only the page it was rendered on shows that the view refused it.
    write_project(pytester, LOGIN_APP, CONFTEST, LOGIN_TESTS)

    result = pytester.runpytest("--endpoint-coverage-json=coverage.json", "-p", "no:randomly")

    result.assert_outcomes(passed=2)
    data = json.loads((pytester.path / "coverage.json").read_text())
    login = {row["method"]: row for row in data["endpoints"]}["POST"]
    assert login["refused_forms"] == {"200": ["test_app.py::test_login_with_a_wrong_password"]}
    assert login["statuses"] == {"302": ["test_app.py::test_login"]}
