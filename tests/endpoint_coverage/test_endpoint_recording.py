"""What gets recorded: any app, any fixture, each request once."""

from __future__ import annotations

import json

import pytest
from endpoint_projects import report_lines, write_project

NOTES_APP = """
from flask import Flask, abort


def create_app(propagate=None):
    app = Flask("notes")
    app.config["TESTING"] = True
    app.config["PROPAGATE_EXCEPTIONS"] = propagate

    @app.get("/notes/<int:note_id>")
    def note(note_id):
        if note_id == 0:
            raise ZeroDivisionError("no note zero")
        if note_id > 9:
            abort(404)
        return {"id": note_id}

    @app.errorhandler(500)
    def server_error(error):
        return {"error": "internal"}, 503

    return app
"""

PER_TEST_APP_CONFTEST = """
import pytest
from app import create_app


@pytest.fixture
def client():
    return create_app().test_client()
"""

NOTES_TESTS = """
def test_found(client):
    assert client.get("/notes/1").status_code == 200


def test_missing(client):
    assert client.get("/notes/10").status_code == 404
"""


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports are compared as printed on an 80-column terminal."""
    monkeypatch.setenv("COLUMNS", "80")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run the project with endpoint coverage on."""
    return pytester.runpytest("--endpoint-coverage", *args)


def test_app_built_per_test_gives_one_row_per_endpoint(pytester: pytest.Pytester) -> None:
    write_project(pytester, NOTES_APP, PER_TEST_APP_CONFTEST, NOTES_TESTS)

    result = run(pytester)

    result.assert_outcomes(passed=2)
    assert report_lines(result)[2:] == [
        "(no blueprint)",
        "  GET     /notes/<int:note_id>  200 404       2  ok",
        "TOTAL: 1/1 endpoints have a happy path and an error case (100%)",
    ]


def test_request_sent_by_a_fixture_counts_for_the_test(pytester: pytest.Pytester) -> None:
    conftest = PER_TEST_APP_CONFTEST + (
        "\n\n@pytest.fixture\ndef seen_note(client):\n"
        '    return client.get("/notes/3").get_json()\n'
    )
    tests = 'def test_uses_a_note(seen_note):\n    assert seen_note == {"id": 3}\n'
    write_project(pytester, NOTES_APP, conftest, tests)
    json_path = pytester.path / "coverage.json"

    run(pytester, f"--endpoint-coverage-json={json_path}").assert_outcomes(passed=1)

    (endpoint,) = json.loads(json_path.read_text())["endpoints"]
    assert endpoint["statuses"] == {"200": ["test_app.py::test_uses_a_note"]}


@pytest.mark.parametrize(
    ("propagate", "test_body", "status"),
    [
        pytest.param(
            "True",
            '    with pytest.raises(ZeroDivisionError):\n        client.get("/notes/0")\n',
            "500",
            id="propagated",
        ),
        pytest.param(
            "False",
            '    assert client.get("/notes/0").status_code == 503\n',
            "503",
            id="handled",
        ),
    ],
)
def test_unhandled_exception_is_recorded_once(
    pytester: pytest.Pytester, propagate: str, test_body: str, status: str
) -> None:
    conftest = PER_TEST_APP_CONFTEST.replace("create_app()", f"create_app({propagate})")
    tests = f"import pytest\n\n\ndef test_breaks(client):\n{test_body}"
    write_project(pytester, NOTES_APP, conftest, tests)

    result = run(pytester)

    result.assert_outcomes(passed=1)
    assert report_lines(result)[3:5] == [
        f"  GET     /notes/<int:note_id>  {status}           1  no happy path, no error case,",
        " " * 49 + "server error",
    ]


def test_app_that_serves_no_request_shows_its_endpoints_untested(
    pytester: pytest.Pytester,
) -> None:
    tests = "def test_name(app):\n    with app.app_context():\n        assert app.name == 'notes'\n"
    conftest = PER_TEST_APP_CONFTEST.replace("def client", "def app").replace(".test_client()", "")
    write_project(pytester, NOTES_APP, conftest, tests)

    result = run(pytester)

    assert report_lines(result)[2:] == [
        "(no blueprint)",
        "  GET     /notes/<int:note_id>  -             0  untested",
        "TOTAL: 0/1 endpoints have a happy path and an error case (0%), 1 untested",
    ]


def test_method_not_allowed_is_shown_on_the_rule_but_tests_none_of_its_methods(
    pytester: pytest.Pytester,
) -> None:
    # Flask answers the 405 before any of the app's code runs: GET itself got no request.
    tests = 'def test_post(client):\n    assert client.post("/notes/1").status_code == 405\n'
    write_project(pytester, NOTES_APP, PER_TEST_APP_CONFTEST, tests)

    result = run(pytester)

    assert report_lines(result)[2:] == [
        "(no blueprint)",
        "  GET     /notes/<int:note_id>  405 (POST)      1  untested",
        "TOTAL: 0/1 endpoints have a happy path and an error case (0%), 1 untested",
    ]


def test_several_apps_are_told_apart(pytester: pytest.Pytester) -> None:
    conftest = PER_TEST_APP_CONFTEST + (
        "\n\n@pytest.fixture\ndef other_client():\n"
        "    other = create_app()\n"
        '    other.name = "archive"\n'
        "    return other.test_client()\n"
    )
    tests = NOTES_TESTS + (
        "\n\ndef test_archive_missing(other_client):\n"
        '    assert other_client.get("/x").status_code == 404\n'
    )
    write_project(pytester, NOTES_APP, conftest, tests)

    result = run(pytester)

    assert report_lines(result)[2:] == [
        "archive: (no blueprint)",
        "  GET     /notes/<int:note_id>  -             0  untested",
        "notes: (no blueprint)",
        "  GET     /notes/<int:note_id>  200 404       2  ok",
        "unmatched: these requests matched no URL rule",
        "  GET     archive:/x            404           1",
        "TOTAL: 1/2 endpoints have a happy path and an error case (50%), 1 untested",
    ]


def test_run_without_any_app_says_so(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_sum():\n    assert sum([1, 2]) == 3\n")

    result = run(pytester)

    assert report_lines(result)[1:] == [
        "No Flask app was seen: no test pushed an app context or sent a request.",
        "TOTAL: 0/0 endpoints have a happy path and an error case (0%)",
    ]


def test_app_from_the_plugins_own_fixture_is_recorded(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(app=NOTES_APP, test_app=NOTES_TESTS)

    result = run(pytester, "--flask-app=app:create_app")

    result.assert_outcomes(passed=2)
    assert report_lines(result)[3] == "  GET     /notes/<int:note_id>  200 404       2  ok"


LATE_ROUTE_APP = """
from flask import Flask


def create_app():
    app = Flask("late")
    with app.app_context():
        pass  # as an app does to create its tables before it registers its views
    app.add_url_rule("/late", "late", lambda: "late")
    return app
"""


def test_routes_added_after_the_first_app_context_are_reported(
    pytester: pytest.Pytester,
) -> None:
    conftest = PER_TEST_APP_CONFTEST.replace("def client", "def app").replace(".test_client()", "")
    write_project(pytester, LATE_ROUTE_APP, conftest, "def test_app(app):\n    assert app\n")

    result = run(pytester)

    assert report_lines(result)[2:4] == [
        "(no blueprint)",
        "  GET     /late  -             0  untested",
    ]


def test_propagated_http_exception_below_500_keeps_its_status(pytester: pytest.Pytester) -> None:
    # TRAP_HTTP_EXCEPTIONS sends abort(404) up to the test, as an error that is not the app's.
    conftest = PER_TEST_APP_CONFTEST.replace(
        "return create_app().test_client()",
        'app = create_app()\n    app.config["TRAP_HTTP_EXCEPTIONS"] = True\n'
        "    return app.test_client()",
    )
    tests = (
        "import pytest\nfrom werkzeug.exceptions import NotFound\n\n\n"
        "def test_missing(client):\n    with pytest.raises(NotFound):\n"
        '        client.get("/notes/10")\n'
    )
    write_project(pytester, NOTES_APP, conftest, tests)

    result = run(pytester)

    result.assert_outcomes(passed=1)
    row = "  GET     /notes/<int:note_id>  404           1  no happy path"
    assert report_lines(result)[3] == row


def test_request_context_without_a_request_records_nothing(pytester: pytest.Pytester) -> None:
    tests = (
        "def test_url(client):\n"
        '    with client.application.test_request_context("/notes/1"):\n'
        "        pass\n"
    )
    write_project(pytester, NOTES_APP, PER_TEST_APP_CONFTEST, tests)

    result = run(pytester)

    assert report_lines(result)[3] == "  GET     /notes/<int:note_id>  -             0  untested"
