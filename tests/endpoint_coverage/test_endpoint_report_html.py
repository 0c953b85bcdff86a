"""The HTML page: its matrix, its tests per cell, and that Chromium renders it."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from endpoint_projects import write_project

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


class MatrixParser(HTMLParser):
    """Collects the endpoint rows of the matrix: each cell's classes, title and text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str, str]]] = []
        self._row: list[tuple[str, str, str]] | None = None
        self._cell: tuple[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "tr" and "endpoint" in (attributes.get("class") or "").split():
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = (attributes.get("class") or "", attributes.get("title") or "")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            text = " ".join("".join(self._text).split())
            self._row.append((*self._cell, text))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None


def html_page(project: pytest.Pytester) -> str:
    """Run the project with the HTML report on and return the page."""
    result = project.runpytest("--endpoint-coverage-html=report")
    page = project.path / "report" / "index.html"
    result.stdout.fnmatch_lines([f"Endpoint coverage HTML written to file {page}"])
    return page.read_text(encoding="utf-8")


def matrix_rows(page: str) -> list[list[tuple[str, str, str]]]:
    """The matrix's endpoint rows, as (classes, title, text) per cell."""
    parser = MatrixParser()
    parser.feed(page)
    return parser.rows


def test_matrix_colours_each_endpoint_by_status_class(shop: pytest.Pytester) -> None:
    rows = matrix_rows(html_page(shop))

    summary = [
        (row[0][2], row[1][2], [cell[0].removeprefix("cell ") for cell in row[2:6]], row[6][2])
        for row in rows
    ]
    hit, empty, missing, broken = "hit", "empty", "missing", "broken"
    orders = "/admin/orders/<int:order_id> admin.order"
    item = "/api/items/<int:item_id>"
    assert summary == [
        ("GET", "/health health", [hit, empty, missing, empty], "no error case"),
        ("GET", "/status status", [empty, hit, missing, empty], "no error case"),
        ("GET", orders, [hit, empty, missing, empty], "no error case"),
        (
            "PUT",
            orders,
            [missing, empty, missing, broken],
            "no happy path, no error case, server error",
        ),
        ("GET", "/api/items/ items.list_items", [hit, empty, missing, empty], "no error case"),
        ("POST", "/api/items/ items.create_item", [hit, empty, hit, empty], "ok"),
        ("GET", f"{item} items.get_item", [missing, empty, hit, empty], "no happy path"),
        ("DELETE", f"{item} items.delete_item", [missing, empty, missing, empty], "untested"),
    ]


def test_each_cell_names_its_tests_on_hover_and_click(shop: pytest.Pytester) -> None:
    rows = matrix_rows(html_page(shop))

    create_item = rows[5]
    assert create_item[2] == (
        "cell hit",
        "test_app.py::test_create_item",
        "201 1 test test_app.py::test_create_item",
    )
    assert create_item[4] == (
        "cell hit",
        "test_app.py::test_create_item_without_name",
        "422 1 test test_app.py::test_create_item_without_name",
    )


def test_page_fetches_nothing(shop: pytest.Pytester) -> None:
    page = html_page(shop)

    for reference in ("http://", "https://", "<link", "src=", "@import", "url("):
        assert reference not in page


def test_page_lists_unmatched_requests(shop: pytest.Pytester) -> None:
    page = html_page(shop)

    assert "<code>/api/items/pen</code>" in page
    assert "<li>test_app.py::test_item_id_must_be_a_number</li>" in page


def test_test_ids_are_escaped(pytester: pytest.Pytester) -> None:
    app = 'from flask import Flask\n\n\ndef create_app():\n    app = Flask("x")\n'
    app += '    app.add_url_rule("/", "home", lambda: "home")\n    return app\n'
    conftest = "import pytest\nfrom app import create_app\n\n\n@pytest.fixture\n"
    conftest += "def client():\n    return create_app().test_client()\n"
    tests = "import pytest\n\n\n@pytest.mark.parametrize('tag', ['<b>'])\n"
    tests += "def test_home(client, tag):\n    assert client.get('/').status_code == 200\n"
    write_project(pytester, app, conftest, tests)

    page = html_page(pytester)

    assert "<li>test_app.py::test_home[&lt;b&gt;]</li>" in page
    assert "[<b>]" not in page


def screenshot(page: Path, png: Path, profile: Path) -> None:
    """Render the page in headless Chromium and save a 1200x900 screenshot."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("This test needs Chromium: apt-get install -y chromium")
    command = [
        chromium,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        "--window-size=1200,900",
        f"--screenshot={png}",
        page.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def close(colour: tuple[int, ...], expected: tuple[int, ...]) -> bool:
    """True when no channel differs by more than 3."""
    return all(abs(a - b) <= 3 for a, b in zip(colour, expected, strict=True))


def test_chromium_renders_the_matrix_in_colour(shop: pytest.Pytester) -> None:
    from PIL import Image  # Pillow, a dev dependency: only this test reads images

    html_page(shop)
    png = shop.path / "report.png"

    screenshot(shop.path / "report" / "index.html", png, shop.path / "chromium-profile")

    with Image.open(png) as image:
        assert (image.format, image.size) == ("PNG", (1200, 900))
        colours = {colour for _, colour in image.convert("RGB").getcolors(1200 * 900) or []}
    # The page's own cell colours (tested, missing, server error), give or take colour management.
    for expected in [(0xDA, 0xFB, 0xE1), (0xFF, 0xF1, 0xC2), (0xCF, 0x22, 0x2E)]:
        assert any(close(colour, expected) for colour in colours), expected
    # Text antialiasing gives many shades; a blank or broken page has a handful.
    assert len(colours) > 200


def test_login_redirects_405s_and_exemptions_show_on_their_rows(
    pytester: pytest.Pytester,
) -> None:
    from test_endpoint_login_redirects import CONFTEST, LOGIN_APP, TESTS

    tests = TESTS + (
        "\n\ndef test_orders_are_read_only(client):\n"
        '    assert client.post("/orders").status_code == 405\n'
    )
    write_project(pytester, LOGIN_APP, CONFTEST, tests)
    pytester.makefile(".ini", pytest="[pytest]\nendpoint_coverage_exempt = GET /login  a form\n")

    page = html_page(pytester)

    summary = [
        (row[0][2], row[1][2], [cell[0].removeprefix("cell ") for cell in row[2:6]], row[6][2])
        for row in matrix_rows(page)
    ]
    hit, empty, missing = "hit", "empty", "missing"
    assert summary == [
        # An exempt row lacks nothing, so none of its cells is marked missing.
        ("GET", "/login login", [empty, empty, empty, empty], "exempt: a form"),
        ("POST", "/login login", [empty, hit, hit, empty], "ok"),
        ("GET", "/logout logout", [empty, hit, missing, empty], "no error case"),
        ("GET", "/orders orders", [missing, empty, hit, empty], "no happy path"),
        ("GET", "/profile profile", [hit, empty, hit, empty], "ok"),
        ("GET", "/staff staff", [missing, empty, hit, empty], "no happy path"),
    ]
    orders_4xx = matrix_rows(page)[3][4]
    assert orders_4xx[2] == (
        "302 \u2192 login 405 (POST) 2 tests test_app.py::test_orders_are_read_only"
        "test_app.py::test_orders_need_sign_in"
    )
    assert "<b>1</b><span>exempt</span>" in page
