"""A redirect that sends a request without credentials to sign in is an error case."""

from __future__ import annotations

import json

import pytest
from endpoint_projects import report_lines, write_project

LOGIN_APP = """
from functools import wraps

from flask import Flask, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, login_required, login_user, logout_user


class User(UserMixin):
    id = "1"


def create_app():
    app = Flask("members")
    app.config.update(TESTING=True, SECRET_KEY="test")
    login_manager = LoginManager(app)
    login_manager.login_view = "login"
    login_manager.user_loader(lambda user_id: User() if user_id == "1" else None)

    def staff_only(view):
        # A hand-written guard, with no Flask-Login: it sends the request on with ?next=.
        @wraps(view)
        def guarded(*args, **kwargs):
            if not session.get("staff"):
                return redirect(url_for("login", next=request.path))
            return view(*args, **kwargs)

        return guarded

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "POST":
            if request.form.get("password") != "secret":
                return "wrong password", 401
            login_user(User())
            return redirect(url_for("profile"))
        return "the form"

    @app.get("/logout")
    def logout():
        logout_user()
        return redirect(url_for("login"))

    @app.get("/profile")
    @login_required
    def profile():
        return "your profile"

    @app.get("/orders")
    @login_required
    def orders():
        return "your orders"

    @app.get("/staff")
    @staff_only
    def staff():
        return "staff room"

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
def test_sign_in(client):
    assert client.post("/login", data={"password": "secret"}).status_code == 302
    assert client.get("/profile").status_code == 200


def test_wrong_password(client):
    assert client.post("/login", data={"password": "guess"}).status_code == 401


def test_profile_needs_sign_in(client):
    assert client.get("/profile").status_code == 302


def test_orders_need_sign_in(client):
    assert client.get("/orders").status_code == 302


def test_staff_room_needs_staff(client):
    assert client.get("/staff").status_code == 302


def test_logout(client):
    assert client.get("/logout").status_code == 302
"""

LOGIN = "302 \u2192 login"


def test_login_redirect_is_an_error_case(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    write_project(pytester, LOGIN_APP, CONFTEST, TESTS)

    result = pytester.runpytest("--endpoint-coverage-json=coverage.json", "-p", "no:randomly")

    result.assert_outcomes(passed=6)
    # /orders was only tested signed out: its redirect is an error case, and it has no happy path.
    # /logout redirects to the login view too, but as its job: that one is its happy path.
    assert report_lines(result)[1:] == [
        "  Method  Rule      Statuses         Tests  Result",
        "(no blueprint)",
        "  GET     /login    -                    0  untested",
        "  POST    /login    302 401              2  ok",
        "  GET     /logout   302                  1  no error case",
        f"  GET     /orders   {LOGIN}          1  no happy path",
        f"  GET     /profile  200 {LOGIN}      2  ok",
        f"  GET     /staff    {LOGIN}          1  no happy path",
        "TOTAL: 2/6 endpoints have a happy path and an error case (33.3%), 1 untested",
    ]
    data = json.loads((pytester.path / "coverage.json").read_text())
    rows = {row["endpoint"]: row for row in data["endpoints"]}
    assert rows["profile"]["statuses"] == {"200": ["test_app.py::test_sign_in"]}
    assert rows["profile"]["login_redirects"] == {
        "302": ["test_app.py::test_profile_needs_sign_in"]
    }
    assert rows["orders"]["flags"] == ["no_happy_path"]
    assert rows["logout"]["login_redirects"] == {}


PLAIN_GUARD_APP = """
from functools import wraps

from flask import Flask, g, redirect, request, session, url_for


def create_app():
    app = Flask("notes")
    app.config.update(TESTING=True, SECRET_KEY="test")

    @app.before_request
    def load_user():
        g.user = session.get("user_id")

    def login_required(view):
        # Sends the visitor to sign in with no ?next=: only the contrast tells what it is.
        @wraps(view)
        def guarded(*args, **kwargs):
            if g.user is None:
                return redirect(url_for("login"))
            return view(*args, **kwargs)

        return guarded

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "GET":
            return "the form"
        session["user_id"] = 1
        return redirect(url_for("notes"))

    @app.post("/register")
    def register():
        return redirect(url_for("login"))

    @app.get("/notes")
    @login_required
    def notes():
        return "your notes"

    @app.get("/drafts")
    @login_required
    def drafts():
        return "your drafts"

    return app
"""

PLAIN_GUARD_TESTS = """
def test_notes(client):
    client.post("/login")
    assert client.get("/notes").status_code == 200


def test_notes_without_signing_in(client):
    assert client.get("/notes").status_code == 302


def test_drafts_without_signing_in(client):
    assert client.get("/drafts").status_code == 302


def test_register(client):
    assert client.post("/register").status_code == 302
"""


def test_a_redirect_of_a_visitor_where_a_signed_in_user_got_the_page_is_an_error_case(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    write_project(pytester, PLAIN_GUARD_APP, CONFTEST, PLAIN_GUARD_TESTS)

    result = pytester.runpytest("--endpoint-coverage-json=coverage.json", "-p", "no:randomly")

    result.assert_outcomes(passed=4)
    # /register sends a visitor to sign in as its job; /drafts was never seen signed in, so
    # nothing says its redirect is about credentials: both stay what they answered.
    assert report_lines(result)[1:] == [
        "  Method  Rule       Statuses         Tests  Result",
        "(no blueprint)",
        "  GET     /drafts    302                  1  no error case",
        "  GET     /login     -                    0  untested",
        "  POST    /login     302                  1  no error case",
        f"  GET     /notes     200 {LOGIN}      2  ok",
        "  POST    /register  302                  1  no error case",
        "TOTAL: 1/5 endpoints have a happy path and an error case (20%), 1 untested",
    ]
    data = json.loads((pytester.path / "coverage.json").read_text())
    rows = {row["endpoint"]: row for row in data["endpoints"]}
    assert rows["notes"]["login_redirects"] == {
        "302": ["test_app.py::test_notes_without_signing_in"]
    }
    assert rows["register"]["login_redirects"] == {}
