"""Suites written as unittest cases, with a base case, flashed warnings and no fixtures."""

from __future__ import annotations

from pathlib import Path

from audit_projects import audit_json, line_of, places, write_project

# A server-rendered app: a wrong password is answered with the page again and a flashed warning.
BLOG = """
from flask import Flask, abort, flash, redirect, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)


def create_app():
    app = Flask(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="test")
    db.init_app(app)

    @app.post("/login")
    def login():
        if request.form.get("password") == "secret":
            return redirect("/")
        flash("Invalid password.", "warning")
        return "<form method=post><input name=password></form>"

    @app.get("/items/<int:item_id>")
    def get_item(item_id):
        item = db.session.get(Item, item_id) or abort(404)
        return {"id": item.id, "name": item.name}

    @app.post("/items")
    def create_item():
        item = Item(name=request.form["name"])
        db.session.add(item)
        db.session.commit()
        return redirect(f"/items/{item.id}")

    return app
"""

ITEMS = "tests/test_items.py"
UNITTEST_SUITE = {
    "shop/__init__.py": BLOG,
    "tests/conftest.py": None,
    # The base case is in a module pytest does not collect tests from.
    "tests/__init__.py": """
        import unittest

        from shop import create_app, db


        class BaseCase(unittest.TestCase):
            def setUp(self):
                self.app = create_app()
                self.context = self.app.app_context()
                self.context.push()
                db.create_all()
                self.client = self.app.test_client()

            def tearDown(self):
                db.drop_all()
                self.context.pop()
    """,
    ITEMS: """
        from tests import BaseCase


        class ItemCase(BaseCase):
            def test_create_item(self):
                self.client.post("/items", data={"name": "a"})
                self.assertEqual(self.client.get("/items/1").status_code, 200)

            def test_missing_item(self):
                self.assertEqual(self.client.get("/items/5").status_code, 404)


        class LoginCase(BaseCase):
            def test_login(self):
                response = self.client.post("/login", data={"password": "secret"})
                self.assertEqual(response.status_code, 302)

            def test_wrong_password(self):
                response = self.client.post("/login", data={"password": "nope"})
                self.assertEqual(response.status_code, 200)
    """,
}


def test_unittest_cases_are_read_as_tests_and_a_flashed_warning_is_an_error_case(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path, UNITTEST_SUITE)

    data = audit_json(root, "--budget", "0")

    app = "shop/__init__.py"
    assert places(data) == {
        ("hard-coded-id", ITEMS, line_of(root, ITEMS, '"/items/1"')),
        ("skipped-error-cases", app, line_of(root, app, '@app.post("/items")')),
        ("layout", "tests", None),
    }
    assert data["summary"]["by_rule"]["layout"] == 2
    assert data["not_checked"] == {"order-dependence": "--budget 0"}


SET_UP_ROWS = """
    from shop import Item, db
    from tests import BaseCase


    class SeededCase(BaseCase):
        def setUp(self):
            super().setUp()
            db.session.add(Item(name="first"))
            db.session.commit()


    class SeededItemCase(SeededCase):
        def test_get_seeded_item(self):
            self.assertEqual(self.client.get("/items/1").status_code, 200)


    class EmptyCase(BaseCase):
        def test_missing_item(self):
            self.assertEqual(self.client.get("/items/7").status_code, 404)
"""


def test_rows_a_set_up_makes_count_for_the_tests_of_its_case_and_of_its_subclasses(
    tmp_path: Path,
) -> None:
    # setUp is the fixture of a unittest case: its rows are the database's, with ids it chose.
    seeded = "tests/test_seeded.py"
    root = write_project(tmp_path, {**UNITTEST_SUITE, ITEMS: None, seeded: SET_UP_ROWS})

    data = audit_json(root, "--no-run")

    assert places(data, "hard-coded-id") == {
        ("hard-coded-id", seeded, line_of(root, seeded, '"/items/1"'))
    }
