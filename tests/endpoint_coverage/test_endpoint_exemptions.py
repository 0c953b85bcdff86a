"""The ini list endpoint_coverage_exempt: shown with its reason, left out of the gate's share."""

from __future__ import annotations

import json

import pytest
from endpoint_projects import report_lines

EXEMPT_INI = """
[pytest]
endpoint_coverage_exempt =
    GET /health  a liveness probe: nothing to refuse
    delete /api/items/<int:item_id>  kept for old clients, removed in 2.0
    GET /helth  mistyped
"""


def test_exempt_endpoints_show_their_reason_and_do_not_count(shop: pytest.Pytester) -> None:
    shop.makefile(".ini", pytest=EXEMPT_INI)

    result = shop.runpytest(
        "--endpoint-coverage-json=coverage.json", "--endpoint-coverage-fail-under=16"
    )

    result.assert_outcomes(passed=10)
    assert report_lines(result) == [
        "------------------------------ endpoint coverage -------------------------------",
        "  Method  Rule                          Statuses  Tests  Result",
        "(no blueprint)",
        "  GET     /health                       200           1  exempt: a liveness",
        "                                                         probe: nothing to",
        "                                                         refuse",
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
        "  DELETE  /api/items/<int:item_id>      -             0  exempt: kept for old",
        "                                                         clients, removed in 2.0",
        "unmatched: these requests matched no URL rule",
        "  GET     /api/item/1                   404           1",
        "  GET     /api/items/pen                404           1",
        "exempt, but no such endpoint: GET /helth (check endpoint_coverage_exempt)",
        "TOTAL: 1/6 endpoints have a happy path and an error case (16.6%), 2 exempt",
    ]
    assert result.stdout.lines[-2] == "Endpoint coverage 16.6% meets the required 16%."
    data = json.loads((shop.path / "coverage.json").read_text())
    assert data["summary"] == {
        "endpoints": 8,
        "tested": 6,
        "complete": 1,
        "percent": 16.67,
        "unmatched": 2,
        "exempt": 2,
    }
    assert [(row["method"], row["rule"], row["exempt"]) for row in data["endpoints"]][:2] == [
        ("GET", "/health", "a liveness probe: nothing to refuse"),
        ("GET", "/status", None),
    ]
    assert data["unknown_exemptions"] == [{"method": "GET", "rule": "/helth", "reason": "mistyped"}]


def test_exemption_without_a_reason_is_a_usage_error(shop: pytest.Pytester) -> None:
    shop.makefile(".ini", pytest="[pytest]\nendpoint_coverage_exempt = GET /health\n")

    result = shop.runpytest("--endpoint-coverage")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: endpoint_coverage_exempt: cannot read 'GET /health': write one endpoint a line "
            "as `GET /health  why it needs no error case`."
        ]
    )


HOOK = """
def pytest_endpoint_coverage_exemptions(config):
    return ["GET /health  reads nothing from the request"]
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_a_conftest_hook_exempts_endpoints_as_the_ini_does(
    shop: pytest.Pytester, workers: list[str]
) -> None:
    # A folder pytest does not read a conftest of before collecting: under xdist, only the
    # workers load it, and its lines must reach the report all the same.
    shop.mkpydir("more")
    (shop.path / "more" / "conftest.py").write_text(HOOK)
    (shop.path / "more" / "test_more.py").write_text("def test_nothing():\n    assert True\n")

    result = shop.runpytest("--endpoint-coverage-json=coverage.json", *workers)

    result.assert_outcomes(passed=11)
    data = json.loads((shop.path / "coverage.json").read_text())
    exempt = {(row["method"], row["rule"]): row["exempt"] for row in data["endpoints"]}
    assert exempt[("GET", "/health")] == "reads nothing from the request"
    assert [reason for reason in exempt.values() if reason] == ["reads nothing from the request"]
    assert data["summary"]["exempt"] == 1


def test_an_unreadable_line_from_the_hook_is_a_usage_error(shop: pytest.Pytester) -> None:
    conftest = shop.path / "conftest.py"
    conftest.write_text(
        conftest.read_text()
        + "\n\ndef pytest_endpoint_coverage_exemptions(config):\n    return ['GET /health']\n"
    )

    result = shop.runpytest("--endpoint-coverage")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*pytest_endpoint_coverage_exemptions: *cannot read 'GET /health'*"]
    )
