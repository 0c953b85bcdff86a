"""The JSON output, compared whole."""

from __future__ import annotations

import json

import pytest
from endpoint_projects import write_project

APP = """
from flask import Blueprint, Flask, abort

api = Blueprint("api", __name__, url_prefix="/api")


@api.get("/books/<int:book_id>")
def book(book_id):
    if book_id > 1:
        abort(404)
    return {"id": book_id}


@api.delete("/books/<int:book_id>")
def delete_book(book_id):
    return "", 204


def create_app():
    app = Flask("library")
    app.config["TESTING"] = True
    app.register_blueprint(api)
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
import pytest


@pytest.mark.parametrize("book_id", [1, 2])
def test_book(client, book_id):
    assert client.get(f"/api/books/{book_id}").status_code in (200, 404)


def test_bad_id(client):
    assert client.get("/api/books/one").status_code == 404
"""


BOOK = "/api/books/<int:book_id>"
STATIC = "/static/<path:filename>"


def test_json_holds_summary_endpoints_and_unmatched(pytester: pytest.Pytester) -> None:
    write_project(pytester, APP, CONFTEST, TESTS)

    result = pytester.runpytest("--endpoint-coverage-json=out/coverage.json")

    path = pytester.path / "out" / "coverage.json"
    result.stdout.fnmatch_lines([f"Endpoint coverage JSON written to file {path}"])
    assert json.loads(path.read_text()) == {
        "version": 1,
        "summary": {
            "endpoints": 2,
            "tested": 1,
            "complete": 1,
            "percent": 50.0,
            "unmatched": 1,
            "exempt": 0,
        },
        "endpoints": [
            {
                "app": "library",
                "blueprint": "api",
                "endpoint": "api.book",
                "rule": "/api/books/<int:book_id>",
                "method": "GET",
                "statuses": {
                    "200": ["test_app.py::test_book[1]"],
                    "404": ["test_app.py::test_book[2]"],
                },
                "login_redirects": {},
                "refused_forms": {},
                "method_not_allowed": {},
                "tests": 2,
                "complete": True,
                "flags": [],
                "exempt": None,
            },
            {
                "app": "library",
                "blueprint": "api",
                "endpoint": "api.delete_book",
                "rule": "/api/books/<int:book_id>",
                "method": "DELETE",
                "statuses": {},
                "login_redirects": {},
                "refused_forms": {},
                "method_not_allowed": {},
                "tests": 0,
                "complete": False,
                "flags": ["untested"],
                "exempt": None,
            },
        ],
        "unmatched": [
            {
                "app": "library",
                "method": "GET",
                "path": "/api/books/one",
                "statuses": {"404": ["test_app.py::test_bad_id"]},
                "tests": 1,
            }
        ],
        "unknown_exemptions": [],
        # What `flask-testkit coverage combine` needs to merge this run with others.
        "records": {
            "routes": [
                ["library", "api.book", BOOK, "GET", False],
                ["library", "api.delete_book", BOOK, "DELETE", False],
                ["library", "api.book", BOOK, "HEAD", True],
                ["library", "api.book", BOOK, "OPTIONS", True],
                ["library", "api.delete_book", BOOK, "OPTIONS", True],
                ["library", "static", STATIC, "GET", True],
                ["library", "static", STATIC, "HEAD", True],
                ["library", "static", STATIC, "OPTIONS", True],
            ],
            "hits": [
                ["library", "api.book", BOOK, "GET", 200, ["test_app.py::test_book[1]"]],
                ["library", "api.book", BOOK, "GET", 404, ["test_app.py::test_book[2]"]],
            ],
            "login_redirects": [],
            "anonymous_redirects": [],
            "signed_in_successes": [],
            "refused_forms": [],
            "not_allowed": [],
            "unmatched": [["library", "GET", "/api/books/one", 404, ["test_app.py::test_bad_id"]]],
            "exemptions": [],
            "include_implicit": False,
        },
    }
