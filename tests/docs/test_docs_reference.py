"""The reference that docs/hooks/reference.py renders from the code as the site is built."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from mkdocs.exceptions import PluginError

from flask_testkit import fixtures

HOOK = Path(__file__).parents[2] / "docs" / "hooks" / "reference.py"


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_reference_hook", HOOK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def render(hook: ModuleType, markdown: str) -> str:
    page: Any = SimpleNamespace(file=SimpleNamespace(src_uri="example.md"))
    result: str = hook.on_page_markdown(markdown, page=page, config=None, files=None)
    return result


def test_every_public_fixture_is_listed_with_its_scope_and_whole_docstring(
    hook: ModuleType,
) -> None:
    text = render(hook, "# Fixtures\n\n<!-- reference: fixtures -->\n")
    for name in fixtures.__all__:
        assert f"### `{name}`\n" in text
    assert "_flask_testkit_isolation" not in text
    assert "### `app`\n\n*Scope: session.*\n\nThe Flask app under test" in text
    assert "### `client`\n\n*Scope: function.*" in text
    # The second paragraph of a docstring too, not only the line `pytest --fixtures` shows.
    assert "Built once per run from `--flask-app`" in text


def test_settings_pair_each_option_with_its_environment_variable_and_ini_key(
    hook: ModuleType,
) -> None:
    text = render(hook, "<!-- reference: settings flask_testkit.plugin -->")
    lines = text.splitlines()
    assert lines[0] == "| option | environment | ini key | what it does |"
    assert any(line.startswith("| `--flask-app` | `FLASK_APP` | `flask_app` | ") for line in lines)
    db_url = "| `--db-url` | `TEST_DATABASE_URL` | `flask_db_url` | "
    assert any(line.startswith(db_url) for line in lines)
    assert any(line.startswith("| `--reuse-db` |  |  | Keep the test database") for line in lines)
    assert "|  |  | `flask_db_isolate_all` | Isolate every test" in text


def test_endpoint_coverage_options_read_as_pytest_prints_them(hook: ModuleType) -> None:
    text = render(hook, "<!-- reference: settings flask_testkit.endpoint_coverage.plugin -->")
    assert "| `--endpoint-coverage` |  | `endpoint_coverage` | Record the requests" in text
    assert "fewer than PCT% of endpoints" in text  # argparse's %% is one %
    assert "`endpoint_coverage_exempt`" in text


def test_cli_help_is_clicks_own(hook: ModuleType) -> None:
    text = render(hook, "<!-- reference: cli coverage combine -->")
    assert text.startswith("```text\n$ flask-testkit coverage combine --help\n")
    assert "Usage: flask-testkit coverage combine [OPTIONS] FILES..." in text
    assert "--fail-under PCT" in text
    assert text.endswith("\n```")


@pytest.mark.parametrize(
    "marker",
    [
        "<!-- reference: fixture -->",
        "<!-- reference: cli nosuch -->",
        "<!-- reference: settings -->",
    ],
)
def test_a_marker_that_names_nothing_fails_the_build(hook: ModuleType, marker: str) -> None:
    with pytest.raises(PluginError, match=r"^example\.md: "):
        render(hook, f"text\n{marker}\n")


def test_text_without_markers_is_left_alone(hook: ModuleType) -> None:
    markdown = "# Title\n\n<!-- a comment -->\n```text\n<!-- reference: fixtures --> inline\n```\n"
    assert render(hook, markdown) == markdown
