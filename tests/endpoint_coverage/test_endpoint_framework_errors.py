"""A 4xx that a framework handles is recorded as the 4xx it sent, never as a server error."""

from __future__ import annotations

import pytest
from endpoint_projects import report_lines, write_project

CONFTEST = """
import pytest
from app import create_app


@pytest.fixture
def client():
    return create_app().test_client()
"""

RESTX_APP = """
from flask import Flask
from flask_restx import Api, Resource, abort

BOOKS = {1: "Dune"}


def create_app():
    app = Flask("restx_books")
    app.config["TESTING"] = True
    api = Api(app)

    @api.route("/books/<int:book_id>")
    class Book(Resource):
        def get(self, book_id):
            if book_id not in BOOKS:
                abort(404, "no such book")
            return {"title": BOOKS[book_id]}

        def delete(self, book_id):
            raise RuntimeError("storage down")

    return app
"""

RESTX_TESTS = """
import pytest


def test_book(client):
    assert client.get("/books/1").status_code == 200


def test_missing_book(client):
    assert client.get("/books/2").status_code == 404


def test_delete_breaks(client):
    with pytest.raises(RuntimeError):
        client.delete("/books/1")
"""

SMOREST_APP = """
from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields

blp = Blueprint("pets", __name__, url_prefix="/pets")


class PetSchema(Schema):
    name = fields.String(required=True)


@blp.route("/")
class Pets(MethodView):
    @blp.arguments(PetSchema)
    @blp.response(201, PetSchema)
    def post(self, pet):
        return pet


def create_app():
    app = Flask("smorest_pets")
    app.config.update(
        TESTING=True, API_TITLE="pets", API_VERSION="1", OPENAPI_VERSION="3.0.3"
    )
    Api(app).register_blueprint(blp)
    return app
"""

APIFLASK_APP = """
from apiflask import APIFlask, Schema
from apiflask.fields import String


class PetIn(Schema):
    name = String(required=True)


def create_app():
    app = APIFlask("apiflask_pets")
    app.config["TESTING"] = True

    @app.post("/pets/")
    @app.input(PetIn)
    def create_pet(json_data):
        return json_data, 201

    return app
"""

PETS_TESTS = """
def test_create_pet(client):
    assert client.post("/pets/", json={"name": "Rex"}).status_code == 201


def test_pet_needs_a_name(client):
    assert client.post("/pets/", json={}).status_code == 422
"""


def run(pytester: pytest.Pytester, app: str, tests: str) -> pytest.RunResult:
    """Run the project with the report at 80 columns."""
    write_project(pytester, app, CONFTEST, tests)
    return pytester.runpytest("--endpoint-coverage", "-p", "no:randomly")


def test_restx_abort_is_the_404_it_sent(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    result = run(pytester, RESTX_APP, RESTX_TESTS)

    result.assert_outcomes(passed=3)
    # The DELETE's exception went up to the test: that one, and only that one, is a 500.
    assert report_lines(result)[1:] == [
        "  Method  Rule                  Statuses  Tests  Result",
        "(no blueprint)",
        "  GET     /books/<int:book_id>  200 404       2  ok",
        "  DELETE  /books/<int:book_id>  500           1  no happy path, no error case,",
        "                                                 server error",
        "  GET     /swagger.json         -             0  untested",
        "TOTAL: 1/3 endpoints have a happy path and an error case (33.3%), 1 untested",
    ]


SMOREST_REPORT = [
    "  Method  Rule    Statuses  Tests  Result",
    "pets",
    "  POST    /pets/  201 422       2  ok",
    "TOTAL: 1/1 endpoints have a happy path and an error case (100%)",
]

# The docs UI that APIFlask serves by itself is left out; the OpenAPI document is the app's.
APIFLASK_REPORT = [
    "  Method  Rule           Statuses  Tests  Result",
    "(no blueprint)",
    "  POST    /pets/         201 422       2  ok",
    "openapi",
    "  GET     /openapi.json  -             0  untested",
    "TOTAL: 1/2 endpoints have a happy path and an error case (50%), 1 untested",
]


@pytest.mark.parametrize(
    ("app_source", "expected"),
    [(SMOREST_APP, SMOREST_REPORT), (APIFLASK_APP, APIFLASK_REPORT)],
    ids=["smorest", "apiflask"],
)
def test_validation_error_is_the_422_it_sent(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, app_source: str, expected: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    result = run(pytester, app_source, PETS_TESTS)

    result.assert_outcomes(passed=2)
    assert report_lines(result)[1:] == expected


def test_the_frameworks_own_docs_pages_show_when_asked_for(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    write_project(pytester, APIFLASK_APP, CONFTEST, PETS_TESTS)

    result = pytester.runpytest("--endpoint-coverage", "--endpoint-coverage-all")

    rules = [line.split()[1] for line in report_lines(result) if line.startswith("  GET ")]
    assert {"/docs", "/docs/oauth2-redirect", "/openapi.json"} <= set(rules)
