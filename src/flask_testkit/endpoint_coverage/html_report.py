"""The HTML page: a matrix of endpoints against status classes, in one self-contained file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

from flask_testkit.endpoint_coverage.report import NOT_ALLOWED, percent_label

if TYPE_CHECKING:
    from pathlib import Path

    from flask_testkit.endpoint_coverage.report import Report, Row

#: The matrix's columns: label, what an answer there counts as, and its statuses' range.
STATUS_CLASSES = (
    ("2xx", "happy", 200, 300),
    ("3xx", "happy", 300, 400),
    ("4xx", "error", 400, 500),
    ("5xx", "server", 500, 600),
)
PAGE_NAME = "index.html"


@dataclass(frozen=True)
class Cell:
    """One endpoint x status class: the statuses seen there and the tests behind them."""

    label: str
    #: "hit" (proves something), "broken" (a 5xx), "missing" (a gap to fill) or "empty".
    state: str
    #: The statuses as shown, e.g. "302 \u2192 login".
    statuses: tuple[str, ...]
    tests: tuple[str, ...]


def _column(counts_as: str, status: int) -> str:
    # A login redirect is a 3xx that counts as an error case: it shows under 4xx, labelled. The
    # rule's 405 shows there too, though it is not an error case of the row.
    for label, kind, low, high in STATUS_CLASSES:
        if kind == counts_as and (kind != "happy" or low <= status < high):
            return label
    return "4xx" if counts_as == NOT_ALLOWED else ""


def cells_for(row: Row) -> list[Cell]:
    """The row's cells, one per status class, each with the state that colours it."""
    kinds = {answer.counts_as for answer in row.answers}
    cells = []
    for label, kind, low, _ in STATUS_CLASSES:
        answers = [a for a in row.answers if _column(a.counts_as, a.status) == label]
        statuses = tuple(a.label for a in answers)
        tests = tuple(sorted({t for a in answers for t in a.tests}))
        if any(a.counts_as == kind for a in answers):
            state = "broken" if kind == "server" else "hit"
        elif row.exemption is None and (
            (low == 200 and "happy" not in kinds) or (low == 400 and "error" not in kinds)
        ):
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
        status_classes=[label for label, _, _, _ in STATUS_CLASSES],
    )


def write_html(report: Report, directory: Path) -> Path:
    """Write the page to directory/index.html and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    page = directory / PAGE_NAME
    page.write_text(render_html(report), encoding="utf-8")
    return page
