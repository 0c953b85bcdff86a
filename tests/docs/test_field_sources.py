"""The field test's README says where to get every app it runs, at the manifest's commit."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest itself depends on tomli before 3.11
    import tomli as tomllib

FIELD = Path(__file__).parents[2] / "benchmarks" / "field"


def _sources_table() -> list[list[str]]:
    text = (FIELD / "README.md").read_text()
    section = text.split("## Getting the sources", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_every_app_of_the_manifest_has_its_source_row_and_nothing_else_is_there() -> None:
    manifest = tomllib.loads((FIELD / "manifest.toml").read_text())
    expected = [[app["name"], app["repository"], app["commit"]] for app in manifest["app"]]

    rows = _sources_table()

    # A results row written into this table would have more cells, and lose an app's source.
    assert rows == expected
    assert all(re.fullmatch(r"[0-9a-f]{40}", commit) for _, _, commit in rows)
