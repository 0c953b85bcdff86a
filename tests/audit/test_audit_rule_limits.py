"""Where the source rules stop: what a test chose itself, what factories are for, empty unit/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from audit_projects import audit_json, line_of, places, write_project

ACCOUNTS = """
from werkzeug.security import generate_password_hash

from shop import db


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    _password = db.Column("password", db.String(255))

    @property
    def password(self):
        raise AttributeError("password is write-only")

    @password.setter
    def password(self, value):
        self._password = generate_password_hash(value)

    def _digest(self):
        return self._password[:8]
"""

LIMITS = {
    "shop/accounts.py": ACCOUNTS,
    "tests/__init__.py": "",
    "tests/unit/__init__.py": "",
    "tests/integration/__init__.py": "",
    "tests/integration/test_ids.py": """
        import datetime

        from shop import Item


        def test_missing_item_by_a_write_that_makes_no_row_first(client):
            response = client.post("/items/999/rename", json={"name": "b"})
            assert response.status_code == 404


        def test_literal_id_after_a_write(client):
            client.post("/items", json={"name": "a"})
            client.post("/items/1/rename", json={"name": "b"})


        def test_created_at_the_test_gave_the_row(db_session):
            item = Item(name="a", created_at=datetime.datetime(2024, 1, 1))
            db_session.add(item)
            db_session.flush()
            assert item.created_at == datetime.datetime(2024, 1, 1)


        def test_created_at_the_database_set(db_session):
            item = Item(name="a")
            db_session.add(item)
            db_session.flush()
            assert item.created_at == datetime.datetime(2024, 1, 2)


        def test_created_at_sent_in_the_body(client):
            body = client.post("/items", json={"created_at": "2024-01-01"}).get_json()
            assert body == {"created_at": "2024-01-01"}
    """,
    "tests/factories.py": """
        import factory
        from factory.alchemy import SQLAlchemyModelFactory

        from shop import db
        from shop.accounts import Account


        def _stored_password():
            account = Account()
            account.password = "secret"
            return account._password


        def _digest_of_a_new_account():
            account = Account()
            return account._digest()


        class AccountFactory(SQLAlchemyModelFactory):
            class Meta:
                model = Account
                sqlalchemy_session = db.session

            _password = factory.LazyFunction(_stored_password)
    """,
    "tests/helpers.py": """
        from shop.accounts import Account


        def stored_password():
            account = Account()
            account.password = "secret"
            return account._password
    """,
}

IDS = "tests/integration/test_ids.py"


@pytest.fixture(scope="module")
def limits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = write_project(tmp_path_factory.mktemp("limits"), LIMITS)
    return root, audit_json(root, "--no-run")


def test_only_the_breaches_are_found(limits: tuple[Path, dict[str, Any]]) -> None:
    root, data = limits
    assert places(data) == {
        ("hard-coded-id", IDS, line_of(root, IDS, '"/items/1/rename"')),
        ("hard-coded-id", IDS, line_of(root, IDS, "(2024, 1, 2)")),
        (
            "private-internals",
            "tests/factories.py",
            line_of(root, "tests/factories.py", "._digest"),
        ),
        ("private-internals", "tests/helpers.py", line_of(root, "tests/helpers.py", "._password")),
        ("layout", "tests/unit", None),
    }


def test_empty_unit_folder_names_what_the_app_could_unit_test(
    limits: tuple[Path, dict[str, Any]],
) -> None:
    _, data = limits
    (finding,) = [f for f in data["findings"] if f["rule"] == "layout"]
    assert finding["message"] == (
        "tests/unit holds no test, though the app has models or service functions to "
        "unit-test: `Item`"
    )


CALC = """
from flask import Flask, jsonify


def create_app():
    app = Flask(__name__)

    @app.get("/double/<int:number>")
    def double(number):
        return jsonify(result=number * 2)

    return app
"""

CALC_SUITE = {
    "calc/__init__.py": CALC,
    "tests/conftest.py": """
        import pytest

        from calc import create_app


        @pytest.fixture
        def client():
            return create_app().test_client()
    """,
    "tests/unit/__init__.py": "",
    "tests/integration/test_double.py": """
        def test_double(client):
            assert client.get("/double/2").get_json() == {"result": 4}
    """,
}

PRICING_SERVICE = """
def with_tax(amount):
    return round(amount * 1.2, 2)
"""


@pytest.mark.parametrize(
    ("extra", "messages"),
    [
        # Every line of the app is a view: a unit test could only send a request.
        ({}, []),
        (
            {
                "calc/pricing_service.py": PRICING_SERVICE,
                "calc/__init__.py": "from calc import pricing_service\n" + CALC,
            },
            [
                "tests/unit holds no test, though the app has models or service functions to "
                "unit-test: `with_tax`"
            ],
        ),
        (
            {"tests/unit/__init__.py": None},
            ["no tests/unit folder: the tests of service logic are not kept apart"],
        ),
    ],
    ids=["views-only", "service-module", "no-unit-folder"],
)
def test_empty_unit_folder_of_an_app_without_models(
    tmp_path: Path, extra: dict[str, str | None], messages: list[str]
) -> None:
    files = {name: text for name, text in {**CALC_SUITE, **extra}.items() if text is not None}
    root = write_project(tmp_path, files)

    data = audit_json(root, "--no-run", app="calc:create_app()")

    assert [f["message"] for f in data["findings"]] == messages
