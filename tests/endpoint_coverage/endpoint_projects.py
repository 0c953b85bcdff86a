"""Sources and helpers for the small Flask projects that the endpoint-coverage tests run."""

from __future__ import annotations

import textwrap

import pytest

SHOP_APP = """
from flask import Blueprint, Flask, abort, jsonify, redirect, request
from flask.views import MethodView

ITEMS = {1: "pen"}
items = Blueprint("items", __name__, url_prefix="/api/items")
admin = Blueprint("admin", __name__, url_prefix="/admin")


@items.get("/")
def list_items():
    return jsonify(sorted(ITEMS.values()))


@items.post("/")
def create_item():
    name = (request.get_json(silent=True) or {}).get("name")
    if not name:
        abort(422)
    return jsonify(name=name), 201


@items.get("/<int:item_id>")
def get_item(item_id):
    if item_id not in ITEMS:
        abort(404)
    return jsonify(name=ITEMS[item_id])


@items.delete("/<int:item_id>")
def delete_item(item_id):
    return "", 204


class OrderAPI(MethodView):
    def get(self, order_id):
        return jsonify(id=order_id)

    def put(self, order_id):
        raise RuntimeError("payment service down")


admin.add_url_rule("/orders/<int:order_id>", view_func=OrderAPI.as_view("order"))


def create_app():
    app = Flask("shop")
    app.config["TESTING"] = True
    app.register_blueprint(items)
    app.register_blueprint(admin)

    @app.get("/health")
    def health():
        return "ok"

    @app.get("/status")
    def status():
        return redirect("/health")

    return app
"""

SHOP_CONFTEST = """
import pytest
from app import create_app


@pytest.fixture(scope="session")
def app():
    return create_app()


@pytest.fixture
def client(app):
    return app.test_client()
"""

SHOP_TESTS = """
import pytest


def test_list_items(client):
    assert client.get("/api/items/").status_code == 200


def test_create_item(client):
    assert client.post("/api/items/", json={"name": "ink"}).status_code == 201


def test_create_item_without_name(client):
    assert client.post("/api/items/", json={}).status_code == 422


def test_get_missing_item(client):
    assert client.get("/api/items/99").status_code == 404


def test_item_id_must_be_a_number(client):
    assert client.get("/api/items/pen").status_code == 404


def test_get_order(client):
    assert client.get("/admin/orders/7").status_code == 200


def test_update_order_breaks(client):
    with pytest.raises(RuntimeError):
        client.put("/admin/orders/7")


def test_health(client):
    assert client.get("/health").status_code == 200


def test_status_redirects(client):
    assert client.get("/status").status_code == 302


def test_unknown_url(client):
    assert client.get("/api/item/1").status_code == 404
"""


def write_project(pytester: pytest.Pytester, app: str, conftest: str, tests: str) -> None:
    """Write app.py, conftest.py and test_app.py into the pytester project."""
    pytester.makepyfile(
        app=textwrap.dedent(app),
        conftest=textwrap.dedent(conftest),
        test_app=textwrap.dedent(tests),
    )


def report_lines(result: pytest.RunResult) -> list[str]:
    """The endpoint-coverage section of a run's output, from its title to the TOTAL line."""
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if " endpoint coverage " in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("TOTAL: "))
    return lines[start : end + 1]
