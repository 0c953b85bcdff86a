"""The HTML page: a matrix of endpoints against status classes, in one self-contained file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

from flask_testkit.endpoint_coverage.report import is_error_case, is_happy, percent_label

if TYPE_CHECKING:
    from pathlib import Path

    from flask_testkit.endpoint_coverage.report import Report, Row

#: The matrix's columns: label and the half-open range of statuses each one holds.
STATUS_CLASSES = (("2xx", 200, 300), ("3xx", 300, 400), ("4xx", 400, 500), ("5xx", 500, 600))
PAGE_NAME = "index.html"


@dataclass(frozen=True)
class Cell:
    """One endpoint x status class: the statuses seen there and the tests behind them."""

    label: str
    #: "hit" (proves something), "broken" (a 5xx), "missing" (a gap to fill) or "empty".
    state: str
    statuses: tuple[int, ...]
    tests: tuple[str, ...]


def cells_for(row: Row) -> list[Cell]:
    """The row's cells, one per status class, each with the state that colours it."""
    has_happy = any(map(is_happy, row.statuses))
    has_error_case = any(map(is_error_case, row.statuses))
    cells = []
    for label, low, high in STATUS_CLASSES:
        statuses = tuple(s for s in row.statuses if low <= s < high)
        tests = tuple(sorted({t for s in statuses for t in row.tests_by_status[s]}))
        if statuses:
            state = "broken" if low >= 500 else "hit"
        elif (low == 200 and not has_happy) or (low == 400 and not has_error_case):
            # A 3xx would do as well as a 2xx; the gap is shown once, under 2xx.
            state = "missing"
        else:
            state = "empty"
        cells.append(Cell(label, state, statuses, tests))
    return cells


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("flask_testkit.endpoint_coverage", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report) -> str:
    """The whole page as one string: CSS and script inline, nothing fetched."""
    template = _environment().get_template("report.html.jinja")
    return template.render(
        report=report,
        percent=percent_label(report.percent),
        with_app=len(report.apps) > 1,
        cells_for=cells_for,
        status_classes=[label for label, _, _ in STATUS_CLASSES],
    )


def write_html(report: Report, directory: Path) -> Path:
    """Write the page to directory/index.html and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    page = directory / PAGE_NAME
    page.write_text(render_html(report), encoding="utf-8")
    return page
