"""What a scratch copy of the user's project leaves out: tool caches and virtualenvs."""

from __future__ import annotations

from pathlib import Path

# Never part of the app or its tests, and often large.
TOOL_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
    }
)


def is_tool_folder(path: Path) -> bool:
    """True for a version-control, cache or virtualenv folder, which a copy leaves out."""
    return path.name in TOOL_FOLDERS or (path / "pyvenv.cfg").exists()
