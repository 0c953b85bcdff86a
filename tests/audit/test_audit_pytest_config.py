"""The project's pytest config as pytest finds it: which file wins, and how patterns match."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flask_testkit.audit.pytest_config import find_config, fnmatch_ex, matches_prefix_or_glob

PYTEST_INI = "[pytest]\npython_files = ini_*.py\n"
PYPROJECT = '[tool.pytest.ini_options]\npython_files = ["toml_*.py"]\n'
TOX_INI = "[pytest]\npython_files =\n    tox_*.py\n    *_tox.py\n"
SETUP_CFG = "[tool:pytest]\npython_files = cfg_*.py\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "winner", "python_files"),
    [
        (
            {"pytest.ini": PYTEST_INI, "pyproject.toml": PYPROJECT, "tox.ini": TOX_INI},
            "pytest.ini",
            ("ini_*.py",),
        ),
        ({"pyproject.toml": PYPROJECT, "tox.ini": TOX_INI}, "pyproject.toml", ("toml_*.py",)),
        ({"tox.ini": TOX_INI, "setup.cfg": SETUP_CFG}, "tox.ini", ("tox_*.py", "*_tox.py")),
        ({"tox.ini": "[tox]\nenvlist = py3\n", "setup.cfg": SETUP_CFG}, "setup.cfg", ("cfg_*.py",)),
        (
            {"pyproject.toml": '[tool.pytest]\npython_files = ["native_*.py"]\n'},
            "pyproject.toml",
            ("native_*.py",),
        ),
        # An empty pytest.ini is still pytest's, and holds pytest's defaults.
        ({"pytest.ini": "", "pyproject.toml": PYPROJECT}, "pytest.ini", ("test_*.py", "*_test.py")),
        # A pyproject.toml without pytest's table gives way to the next file that has a section.
        (
            {"pyproject.toml": "[project]\nname = 'x'\n", "setup.cfg": SETUP_CFG},
            "setup.cfg",
            ("cfg_*.py",),
        ),
    ],
)
def test_the_first_file_with_pytests_section_wins(
    tmp_path: Path, files: dict[str, str], winner: str, python_files: tuple[str, ...]
) -> None:
    _write(tmp_path, files)

    config = find_config(tmp_path / "tests")

    assert config.file == tmp_path / winner
    assert config.get("python_files") == python_files


def test_a_nearer_folders_config_wins_over_the_projects(tmp_path: Path) -> None:
    _write(tmp_path, {"pytest.ini": PYTEST_INI, "tests/tox.ini": TOX_INI})

    assert find_config(tmp_path / "tests" / "test_x.py").file == tmp_path / "tests/tox.ini"


def test_no_config_gives_pytests_defaults(tmp_path: Path) -> None:
    config = find_config(tmp_path)

    assert config.get("python_files") == ("test_*.py", "*_test.py")
    assert config.origin("python_files") == "pytest's default"


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("test_*.py", "/p/tests/test_a.py", True),
        ("test_*.py", "/p/tests/a_test.py", False),
        ("tests/*.py", "/p/tests/a.py", True),
        ("tests/*.py", "/p/other/a.py", False),
    ],
)
def test_a_pattern_with_a_slash_matches_the_path(pattern: str, path: str, matches: bool) -> None:
    assert fnmatch_ex(pattern, Path(path)) is matches


@pytest.mark.parametrize(
    ("patterns", "name", "matches"),
    [(("Test",), "TestItems", True), (("*Suite",), "ItemSuite", True), (("Test",), "Items", False)],
)
def test_class_and_function_names_match_as_prefix_or_glob(
    patterns: tuple[str, ...], name: str, matches: bool
) -> None:
    assert matches_prefix_or_glob(patterns, name) is matches
