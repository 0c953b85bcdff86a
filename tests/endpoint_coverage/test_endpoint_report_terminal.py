"""The terminal report, checked line by line on small generated projects."""

from __future__ import annotations

import pytest
from endpoint_projects import report_lines, write_project

SHOP_REPORT = [
    "------------------------------ endpoint coverage -------------------------------",
    "  Method  Rule                          Statuses  Tests  Result",
    "(no blueprint)",
    "  GET     /health                       200           1  no error case",
    "  GET     /status                       302           1  no error case",
    "admin",
    "  GET     /admin/orders/<int:order_id>  200           1  no error case",
    "  PUT     /admin/orders/<int:order_id>  500           1  no happy path,",
    "                                                         no error case,",
    "                                                         server error",
    "items",
    "  GET     /api/items/                   200           1  no error case",
    "  POST    /api/items/                   201 422       2  ok",
    "  GET     /api/items/<int:item_id>      404           1  no happy path",
    "  DELETE  /api/items/<int:item_id>      -             0  untested",
    "unmatched: these requests matched no URL rule",
    "  GET     /api/item/1                   404           1",
    "  GET     /api/items/pen                404           1",
    "TOTAL: 1/8 endpoints have a happy path and an error case (12.5%), 1 untested",
]

TINY_APP = """
from flask import Flask, abort


def create_app():
    app = Flask("tiny")
    app.config["TESTING"] = True

    @app.get("/things/<int:thing_id>")
    def thing(thing_id):
        if thing_id > 1:
            abort(404)
        return {"id": thing_id}

    return app
"""

TINY_CONFTEST = """
import pytest
from app import create_app


@pytest.fixture(scope="session")
def app():
    return create_app()
"""

TINY_TESTS = """
def test_found(app):
    assert app.test_client().get("/things/1").status_code == 200


def test_missing(app):
    assert app.test_client().get("/things/2").status_code == 404
"""

TINY_ROWS = [
    "  Method  Rule                    Statuses  Tests  Result",
    "(no blueprint)",
    "  GET     /things/<int:thing_id>  200 404       2  ok",
    "TOTAL: 1/1 endpoints have a happy path and an error case (100%)",
]


@pytest.fixture
def tiny(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A one-endpoint project whose endpoint has a happy path and an error case."""
    monkeypatch.setenv("COLUMNS", "80")
    write_project(pytester, TINY_APP, TINY_CONFTEST, TINY_TESTS)
    return pytester


def test_shop_report_flags_every_kind_of_row(shop: pytest.Pytester) -> None:
    result = shop.runpytest("--endpoint-coverage")

    result.assert_outcomes(passed=10)
    assert report_lines(result) == SHOP_REPORT


def test_every_line_fits_in_80_columns(shop: pytest.Pytester) -> None:
    result = shop.runpytest("--endpoint-coverage")

    assert max(map(len, report_lines(result))) <= 80


def test_ini_key_turns_recording_on(tiny: pytest.Pytester) -> None:
    tiny.makeini("[pytest]\nendpoint_coverage = true\n")

    result = tiny.runpytest()

    assert report_lines(result)[1:] == TINY_ROWS


def test_without_the_option_nothing_is_registered(tiny: pytest.Pytester) -> None:
    config = tiny.parseconfigure()

    assert config.pluginmanager.get_plugin("flask_testkit_endpoint_coverage") is None


def test_without_the_option_there_is_no_report(tiny: pytest.Pytester) -> None:
    result = tiny.runpytest()

    result.assert_outcomes(passed=2)
    assert "endpoint coverage" not in result.stdout.str()


def test_all_option_lists_static_files_head_and_options(tiny: pytest.Pytester) -> None:
    result = tiny.runpytest("--endpoint-coverage", "--endpoint-coverage-all")

    assert report_lines(result)[1:] == [
        "  Method   Rule                     Statuses  Tests  Result",
        "(no blueprint)",
        "  GET      /static/<path:filename>  -             0  untested",
        "  HEAD     /static/<path:filename>  -             0  untested",
        "  OPTIONS  /static/<path:filename>  -             0  untested",
        "  GET      /things/<int:thing_id>   200 404       2  ok",
        "  HEAD     /things/<int:thing_id>   -             0  untested",
        "  OPTIONS  /things/<int:thing_id>   -             0  untested",
        "TOTAL: 1/6 endpoints have a happy path and an error case (16.6%), 5 untested",
    ]


def test_colour_marks_results_and_statuses(shop: pytest.Pytester) -> None:
    result = shop.runpytest("--endpoint-coverage", "--color=yes")

    output = result.stdout.str()
    assert "\x1b[32mok\x1b[0m" in output
    assert "\x1b[31muntested\x1b[0m" in output
    assert "\x1b[33m422\x1b[0m" in output
    assert "\x1b[31m\x1b[1m500\x1b[0m" in output


LONG_RULE_APP = """
from flask import Flask, abort


def create_app():
    app = Flask("tiny")
    app.config["TESTING"] = True

    @app.get("/organisations/<int:org_id>/teams/<int:team_id>/members")
    def members(org_id, team_id):
        if team_id > 1:
            abort(404)
        return []

    return app
"""

LONG_RULE_TESTS = """
def test_found(app):
    assert app.test_client().get("/organisations/5/teams/1/members").status_code == 200


def test_missing(app):
    assert app.test_client().get("/organisations/5/teams/2/members").status_code == 404
"""


def test_long_rule_gets_a_line_of_its_own(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    write_project(pytester, LONG_RULE_APP, TINY_CONFTEST, LONG_RULE_TESTS)

    result = pytester.runpytest("--endpoint-coverage")

    assert report_lines(result)[1:] == [
        "  Method  Rule                                           Statuses  Tests  Result",
        "(no blueprint)",
        "  GET     /organisations/<int:org_id>/teams/<int:team_id>/members",
        "                                                         200 404       2  ok",
        "TOTAL: 1/1 endpoints have a happy path and an error case (100%)",
    ]
