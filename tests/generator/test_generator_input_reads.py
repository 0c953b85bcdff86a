"""What a request's handling reads of the request decides which endpoints need no error case."""

from __future__ import annotations

import pytest
from flask import Flask, abort, jsonify, request, session

from flask_testkit.generator.probing.input_reads import recorded_input_reads


def _app() -> Flask:
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY="test")

    @app.get("/plain")
    def plain():  # type: ignore[no-untyped-def]
        return jsonify(items=[1, 2])

    @app.get("/query")
    def query():  # type: ignore[no-untyped-def]
        return jsonify(page=request.args.get("page", 1))

    @app.post("/body")
    def body():  # type: ignore[no-untyped-def]
        return jsonify(request.get_json(silent=True) or {})

    @app.get("/header")
    def header():  # type: ignore[no-untyped-def]
        return jsonify(agent=request.headers.get("User-Agent"))

    @app.get("/url")
    def url():  # type: ignore[no-untyped-def]
        return jsonify(url=request.url)

    @app.get("/cart")
    def cart():  # type: ignore[no-untyped-def]
        return jsonify(cart=session.get("cart", []))

    @app.get("/guarded")
    def guarded():  # type: ignore[no-untyped-def]
        return jsonify(ok=True)

    @app.before_request
    def api_key():  # type: ignore[no-untyped-def]
        if request.endpoint == "guarded" and request.headers.get("X-Key") != "k":
            abort(401)

    return app


@pytest.mark.parametrize(
    ("method", "path", "read"),
    [
        ("GET", "/query", "args"),
        ("POST", "/body", "get_json"),
        ("GET", "/header", "headers"),
        ("GET", "/url", "query_string"),
        ("GET", "/cart", "session"),
        ("GET", "/guarded", "headers"),
    ],
)
def test_a_read_of_the_request_by_the_apps_code_is_recorded(
    method: str, path: str, read: str
) -> None:
    app = _app()

    with recorded_input_reads(app) as reads:
        app.test_client().open(path, method=method, json={"a": 1} if method == "POST" else None)

    assert read in reads.names


def test_a_view_that_reads_nothing_records_nothing() -> None:
    app = _app()

    with recorded_input_reads(app) as reads:
        response = app.test_client().get("/plain", headers={"Cookie": "session=x"})

    # Flask itself read the session cookie and matched the rule: neither is the app's reading.
    assert response.status_code == 200
    assert reads.names == set()
    assert reads.view_ran


@pytest.mark.parametrize("path", ["/nowhere", "/old"])
def test_a_request_routing_answers_never_runs_the_view(path: str) -> None:
    app = _app()
    app.add_url_rule("/old", "old", redirect_to="/plain")

    with recorded_input_reads(app) as reads:
        status = app.test_client().get(path).status_code

    assert status in (404, 308)
    assert not reads.view_ran


def test_the_app_is_left_as_it_was() -> None:
    app = _app()
    request_class = app.request_class

    with recorded_input_reads(app):
        assert app.request_class is not request_class
    app.test_client().get("/query?page=2")

    assert app.request_class is request_class
    assert not {"request_class", "preprocess_request", "dispatch_request"} & set(vars(app))
