"""The pure core: routes, records and the report model, without pytest runs."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask
from flask.views import MethodView

from flask_testkit.endpoint_coverage.exemptions import Exemption, ExemptionError, parse_exemptions
from flask_testkit.endpoint_coverage.html_report import cells_for
from flask_testkit.endpoint_coverage.records import OUTSIDE_TESTS, Records
from flask_testkit.endpoint_coverage.report import Flag, Row, build_report, flags_for, percent_label
from flask_testkit.endpoint_coverage.routes import Route, routes_of


class Widgets(MethodView):
    def get(self, widget_id: int) -> str:
        return "widget"

    def options(self, widget_id: int) -> str:
        return "custom options"


def make_app() -> Flask:
    app = Flask("model")
    parts = Blueprint("parts", __name__, url_prefix="/parts", static_folder="assets")
    parts.add_url_rule("/<int:part_id>", "part", lambda part_id: "part", methods=["PUT"])
    app.register_blueprint(parts)
    app.add_url_rule("/widgets/<int:widget_id>", view_func=Widgets.as_view("widgets"))
    return app


def test_routes_of_marks_static_files_and_automatic_methods_as_implicit() -> None:
    routes = {(r.endpoint, r.rule, r.method): r.implicit for r in routes_of(make_app())}

    assert routes == {
        ("static", "/static/<path:filename>", "GET"): True,
        ("static", "/static/<path:filename>", "HEAD"): True,
        ("static", "/static/<path:filename>", "OPTIONS"): True,
        ("parts.static", "/parts/assets/<path:filename>", "GET"): True,
        ("parts.static", "/parts/assets/<path:filename>", "HEAD"): True,
        ("parts.static", "/parts/assets/<path:filename>", "OPTIONS"): True,
        ("parts.part", "/parts/<int:part_id>", "PUT"): False,
        ("parts.part", "/parts/<int:part_id>", "OPTIONS"): True,
        ("widgets", "/widgets/<int:widget_id>", "GET"): False,
        ("widgets", "/widgets/<int:widget_id>", "HEAD"): True,
        # The view answers OPTIONS itself, so Flask adds nothing.
        ("widgets", "/widgets/<int:widget_id>", "OPTIONS"): False,
    }


@pytest.mark.parametrize(
    ("statuses", "flags"),
    [
        ([], (Flag.UNTESTED,)),
        ([200, 404], ()),
        ([302, 422], ()),
        ([200, 201], (Flag.NO_ERROR_CASE,)),
        ([401, 404], (Flag.NO_HAPPY_PATH,)),
        ([200, 404, 500], (Flag.SERVER_ERROR,)),
        ([201, 503], (Flag.NO_ERROR_CASE, Flag.SERVER_ERROR)),
        ([500], (Flag.NO_HAPPY_PATH, Flag.NO_ERROR_CASE, Flag.SERVER_ERROR)),
    ],
)
def test_flags_for_statuses(statuses: list[int], flags: tuple[Flag, ...]) -> None:
    assert flags_for(statuses) == flags


@pytest.mark.parametrize(
    ("percent", "label"),
    [(0.0, "0%"), (12.5, "12.5%"), (200 / 3, "66.6%"), (99.99, "99.9%"), (100.0, "100%")],
)
def test_percent_label_never_rounds_up(percent: float, label: str) -> None:
    assert percent_label(percent) == label


def records_with(*hits: tuple[str, str, int, str]) -> Records:
    """Records of one app with GET/POST /items and GET /items/<int:id>, and these hits."""
    records = Records()
    records.add_routes(
        [
            Route("shop", "list_items", "/items", "GET"),
            Route("shop", "create_item", "/items", "POST"),
            Route("shop", "get_item", "/items/<int:id>", "GET"),
        ]
    )
    for endpoint, method, status, test in hits:
        rule = "/items/<int:id>" if endpoint == "get_item" else "/items"
        records.hit(("shop", endpoint, rule, method), status, test)
    return records


@pytest.mark.parametrize(
    ("fail_under", "meets"), [(0, True), (33.3, True), (33.4, False), (100, False)]
)
def test_gate_compares_the_exact_share(fail_under: float, meets: bool) -> None:
    report = build_report(
        records_with(("list_items", "GET", 200, "t1"), ("list_items", "GET", 404, "t2"))
    )

    assert report.meets(fail_under) is meets


def test_no_endpoint_meets_no_positive_gate() -> None:
    report = build_report(Records())

    assert (report.meets(0), report.meets(0.1)) == (True, False)


def test_records_survive_the_trip_through_plain_data() -> None:
    records = records_with(("get_item", "GET", 404, "t1"), ("create_item", "POST", 201, "t2"))
    records.miss(("shop", "GET", "/nope"), 404, None)

    again = Records.from_data(records.to_data())

    assert (again.routes, again.hits, again.unmatched) == (
        records.routes,
        records.hits,
        records.unmatched,
    )
    assert again.unmatched[("shop", "GET", "/nope")] == {404: {OUTSIDE_TESTS}}


def test_merged_records_report_like_one_run() -> None:
    one = records_with(("list_items", "GET", 200, "t1"))
    two = records_with(("list_items", "GET", 200, "t2"), ("list_items", "GET", 400, "t3"))
    both = records_with(
        ("list_items", "GET", 200, "t1"),
        ("list_items", "GET", 200, "t2"),
        ("list_items", "GET", 400, "t3"),
    )

    one.merge(two)

    assert build_report(one) == build_report(both)


def test_rows_sort_by_rule_then_method_in_reading_order() -> None:
    report = build_report(records_with())

    assert [(row.route.method, row.route.rule) for row in report.rows] == [
        ("GET", "/items"),
        ("POST", "/items"),
        ("GET", "/items/<int:id>"),
    ]


@pytest.mark.parametrize(
    ("statuses", "states"),
    [
        ({}, ["missing", "empty", "missing", "empty"]),
        ({200: ("a",), 404: ("b",)}, ["hit", "empty", "hit", "empty"]),
        ({302: ("a",)}, ["empty", "hit", "missing", "empty"]),
        ({500: ("a",)}, ["missing", "empty", "missing", "broken"]),
    ],
)
def test_matrix_cell_states(statuses: dict[int, tuple[str, ...]], states: list[str]) -> None:
    row = Row(Route("shop", "list_items", "/items", "GET"), statuses)

    assert [cell.state for cell in cells_for(row)] == states


def test_login_redirects_and_405s_survive_the_trip_and_merge() -> None:
    records = records_with(("get_item", "GET", 200, "t1"))
    key = ("shop", "get_item", "/items/<int:item_id>", "GET")
    records.login_redirect(key, 302, "t2")
    records.refuse_method(("shop", "/items/<int:item_id>"), "PATCH", "t3")
    other = Records()
    other.refuse_method(("shop", "/items/<int:item_id>"), "PATCH", "t4")

    again = Records.from_data(records.to_data())
    again.merge(other)

    assert again.login_redirects == {
        ("shop", "get_item", "/items/<int:item_id>", "GET"): {302: {"t2"}}
    }
    assert again.not_allowed == {("shop", "/items/<int:item_id>"): {"PATCH": {"t3", "t4"}}}


def test_a_visitors_redirect_is_a_login_redirect_once_any_shard_saw_the_page_signed_in() -> None:
    key = ("shop", "get_item", "/items/<int:item_id>", "GET")
    visitor = Records()
    visitor.add_routes([Route(*key)])
    visitor.anonymous_redirect(key, 302, "t1")
    signed_in = Records()
    signed_in.hit(key, 200, "t2")
    signed_in.signed_in_success(key)

    alone = build_report(Records.from_data(visitor.to_data()))
    visitor.merge(Records.from_data(signed_in.to_data()))
    merged = build_report(visitor)

    # Without the signed-in page, the redirect is the route's answer to everyone.
    assert alone.groups[0].rows[0].tests_by_status == {302: ("t1",)}
    row = merged.groups[0].rows[0]
    assert (row.tests_by_status, row.login_redirects) == ({200: ("t2",)}, {302: ("t1",)})
    assert row.complete


def test_a_login_redirect_is_an_error_case_and_the_rules_405_is_neither_case() -> None:
    route = Route("shop", "get_item", "/items/<int:item_id>", "GET")
    signed_out = Row(route, {}, login_redirects={302: ("t1",)})
    refused = Row(route, {}, not_allowed={"PATCH": ("t2",), "PUT": ("t3",)})
    read_only = Row(route, {200: ("t4",)}, not_allowed={"PUT": ("t3",)})
    both = Row(route, {200: ("t4",)}, {302: ("t1",)}, {"PUT": ("t3",)})

    assert [(a.label, a.counts_as) for a in signed_out.answers] == [("302 \u2192 login", "error")]
    assert signed_out.flags == (Flag.NO_HAPPY_PATH,)
    assert [(a.label, a.tests) for a in refused.answers] == [("405 (PATCH/PUT)", ("t2", "t3"))]
    assert refused.flags == (Flag.UNTESTED,)
    assert read_only.flags == (Flag.NO_ERROR_CASE,)
    assert not read_only.complete
    assert both.complete
    assert both.tests == ("t1", "t3", "t4")


def test_exemption_lines_are_read_and_checked() -> None:
    lines = ["", "# kept for the probes", "get /health  liveness:  nothing to refuse", "GET /x  y"]

    assert parse_exemptions(lines) == (
        Exemption("GET", "/health", "liveness:  nothing to refuse"),
        Exemption("GET", "/x", "y"),
    )
    for bad in ("GET /health", "/health GET  why"):
        with pytest.raises(ExemptionError, match="write one endpoint a line"):
            parse_exemptions([bad])
