"""The code in the documentation runs: each example is a project that pytest runs as shown.

A page marks an example with an HTML comment, which no reader sees:

    <!-- example: NAME passed=2 [failed=N ...] [args="--opt"] [expect="*line*" ...] -->

Every fenced block after it that has a file name (```python title="tests/test_x.py"```) is one
file of the project, until `<!-- /example -->` or the next example. The project is run with the
plugin, on the database this run is on, and must give exactly the outcomes named, plus the
output lines `expect` names. Every other python block must at least compile.
"""

from __future__ import annotations

import os
import re
import shlex
import textwrap
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLE = re.compile(r"^<!-- example: (.+) -->$")
END = "<!-- /example -->"
FENCE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>`{3,})(?P<lang>\w*)(?P<info>[^\n]*)$")
TITLE = re.compile(r'title="([^"]+)"')
OUTCOMES = ("passed", "failed", "errors", "skipped", "xfailed", "xpassed")


@dataclass
class Block:
    lang: str
    title: str | None
    code: str
    line: int


@dataclass
class Example:
    page: str
    name: str
    options: dict[str, list[str]]
    files: dict[str, str] = field(default_factory=dict)


def read_blocks(lines: list[str], start: int) -> tuple[Block, int]:
    """The fenced block opening at lines[start], and the index of the line after it."""
    opening = FENCE.match(lines[start])
    assert opening, lines[start]
    indent, fence = opening["indent"], opening["fence"]
    for end in range(start + 1, len(lines)):
        if lines[end].strip() == fence and lines[end].startswith(indent):
            body = textwrap.dedent("\n".join(lines[start + 1 : end])) + "\n"
            title = TITLE.search(opening["info"])
            block = Block(opening["lang"], title[1] if title else None, body, start + 1)
            return block, end + 1
    raise AssertionError(f"line {start + 1}: a code block that is never closed")


def parse(page: Path) -> tuple[list[Example], list[Block]]:
    """A page's examples, and its python blocks that belong to none."""
    lines = page.read_text().splitlines()
    examples: list[Example] = []
    loose: list[Block] = []
    current: Example | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if marker := EXAMPLE.match(line):
            name, *settings = shlex.split(marker[1])
            options: dict[str, list[str]] = {}
            for setting in settings:
                key, _, value = setting.partition("=")
                options.setdefault(key, []).append(value)
            current = Example(page.name, name, options)
            examples.append(current)
        elif line.strip() == END:
            current = None
        elif FENCE.match(line):
            block, index = read_blocks(lines, index)
            if current is not None and block.title:
                assert block.title not in current.files, f"{block.title} twice in {current.name}"
                current.files[block.title] = block.code
            elif block.lang == "python":
                assert not block.title, f"{page.name}:{block.line}: a python file outside examples"
                loose.append(block)
            continue
        index += 1
    return examples, loose


PARSED = {page.name: parse(page) for page in PAGES}
EXAMPLES = [example for examples, _ in PARSED.values() for example in examples]
LOOSE = [(name, block) for name, (_, blocks) in PARSED.items() for block in blocks]


def test_the_docs_have_examples_on_every_page_that_shows_tests() -> None:
    pages = {example.page for example in EXAMPLES}
    assert {"README.md", "index.md", "fixtures.md", "endpoint-coverage.md"} <= pages
    assert all(example.files for example in EXAMPLES), "an example without files"


@pytest.fixture
def docs_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """An empty project whose runs load only this plugin, on this run's kind of database."""
    for name in ("FLASK_APP", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    url = os.environ.get("TEST_DATABASE_URL")
    if url:  # a database of its own, so that parallel runs never share one
        parsed = make_url(url)
        name = f"{parsed.database or 'flask_testkit'}_docs_{uuid.uuid4().hex[:8]}"
        unique = parsed.set(database=name).render_as_string(hide_password=False)
        monkeypatch.setenv("TEST_DATABASE_URL", unique)
    return pytester


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.page}:{e.name}" for e in EXAMPLES])
def test_the_example_runs_as_the_docs_say(docs_project: pytest.Pytester, example: Example) -> None:
    for path, code in example.files.items():
        target = docs_project.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code)
    args = [arg for value in example.options.get("args", []) for arg in shlex.split(value)]
    result = docs_project.runpytest_subprocess(
        "-p", "flask_testkit", "-p", "no:cacheprovider", *args, timeout=300
    )
    outcomes = {key: int(value[0]) for key, value in example.options.items() if key in OUTCOMES}
    assert outcomes, f"{example.name}: name the outcomes, e.g. passed=2"
    result.assert_outcomes(**outcomes)  # type: ignore[arg-type]
    for pattern in example.options.get("expect", []):
        result.stdout.fnmatch_lines([pattern])


@pytest.mark.parametrize("page, block", LOOSE, ids=[f"{p}:{b.line}" for p, b in LOOSE])
def test_every_other_python_block_compiles(page: str, block: Block) -> None:
    compile(block.code, f"{page}:{block.line}", "exec")
