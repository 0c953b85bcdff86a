"""The project's pytest configuration, found and read the way pytest itself finds and reads it."""

from __future__ import annotations

import fnmatch
import os
import shlex
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import iniconfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest itself depends on tomli before 3.11
    import tomli as tomllib

from flask_testkit.audit.findings import AuditError

# pytest's own order: the first of these, in the nearest folder, that holds pytest's section wins.
CONFIG_NAMES = (
    "pytest.toml",
    ".pytest.toml",
    "pytest.ini",
    ".pytest.ini",
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
)
DEFAULTS: Mapping[str, tuple[str, ...]] = {
    "python_files": ("test_*.py", "*_test.py"),
    "python_classes": ("Test",),
    "python_functions": ("test",),
    "testpaths": (),
    "norecursedirs": (
        "*.egg",
        ".*",
        "_darcs",
        "build",
        "CVS",
        "dist",
        "node_modules",
        "venv",
        "{arch}",
    ),
}
_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class PytestConfig:
    """The discovery settings in effect, and the file they came from (None: pytest's defaults)."""

    file: Path | None = None
    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, name: str) -> tuple[str, ...]:
        """A setting's value, or pytest's default for it."""
        return self.values.get(name, DEFAULTS[name])

    def origin(self, name: str) -> str:
        """Where a setting comes from, as a person would look for it."""
        if name in self.values and self.file is not None:
            return f"from {self.file.name}"
        return "pytest's default"

    def is_test_module(self, path: Path) -> bool:
        """Whether pytest collects this file when it meets it inside a folder."""
        return any(fnmatch_ex(pattern, path) for pattern in self.get("python_files"))

    def skips_folder(self, path: Path) -> bool:
        """Whether pytest stays out of this folder when it walks the suite."""
        if path.name == "__pycache__":
            return True
        return any(fnmatch_ex(pattern, path) for pattern in self.get("norecursedirs"))

    def is_test_class(self, name: str) -> bool:
        """A class name that python_classes collects (unittest cases are collected whatever)."""
        return matches_prefix_or_glob(self.get("python_classes"), name)

    def is_test_function(self, name: str) -> bool:
        """A function or method name that python_functions collects."""
        return matches_prefix_or_glob(self.get("python_functions"), name)


def fnmatch_ex(pattern: str, path: Path) -> bool:
    """pytest's match of a glob: against the name, or the whole path when it holds a separator."""
    if os.sep not in pattern and "/" in pattern:
        pattern = pattern.replace("/", os.sep)
    if os.sep not in pattern:
        return fnmatch.fnmatch(path.name, pattern)
    if path.is_absolute() and not os.path.isabs(pattern):
        pattern = f"*{os.sep}{pattern}"
    return fnmatch.fnmatch(str(path), pattern)


def matches_prefix_or_glob(patterns: Iterable[str], name: str) -> bool:
    """python_classes and python_functions: each entry is a prefix, or a glob if it has one."""
    for pattern in patterns:
        if name.startswith(pattern):
            return True
        if _GLOB_CHARACTERS.intersection(pattern) and fnmatch.fnmatch(name, pattern):
            return True
    return False


def find_config(start: Path) -> PytestConfig:
    """The config pytest uses for a run on start: the nearest folder upwards that has one."""
    folder = start if start.is_dir() else start.parent
    bare_pyproject: Path | None = None
    for base in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = base / name
            if not path.is_file():
                continue
            values = _load(path)
            if values is not None:
                return PytestConfig(path, values)
            if name == "pyproject.toml" and bare_pyproject is None:
                bare_pyproject = path
    # A pyproject.toml without pytest's table still fixes the rootdir, with pytest's defaults.
    return PytestConfig(bare_pyproject, {})


def _load(path: Path) -> dict[str, tuple[str, ...]] | None:
    """The settings of a config file, or None when it has no pytest section."""
    try:
        if path.suffix == ".toml":
            return _load_toml(path)
        ini = iniconfig.IniConfig(str(path), path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, iniconfig.ParseError) as error:
        raise AuditError(
            f"{path.name} does not parse ({error}); fix it so pytest can read it."
        ) from None
    section = {"pytest.ini": "pytest", ".pytest.ini": "pytest", "setup.cfg": "tool:pytest"}.get(
        path.name, "pytest"
    )
    if section not in ini:
        # pytest.ini is pytest's even when empty; tox.ini and setup.cfg only with the section.
        return {} if path.name in ("pytest.ini", ".pytest.ini") else None
    return _settings(dict(ini[section].items()))


def _load_toml(path: Path) -> dict[str, tuple[str, ...]] | None:
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    if path.name != "pyproject.toml":
        # pytest.toml is pytest's even when empty.
        return _settings(document.get("pytest", {}))
    tool = document.get("tool", {}).get("pytest")
    if not isinstance(tool, dict):
        return None
    native = {key: value for key, value in tool.items() if key != "ini_options"}
    table = native or tool.get("ini_options")
    return _settings(table) if isinstance(table, dict) else None


def _settings(table: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The discovery settings of a section; pytest splits a string value as a shell would."""
    settings = {}
    for name in DEFAULTS:
        value = table.get(name)
        if isinstance(value, str):
            settings[name] = tuple(shlex.split(value))
        elif isinstance(value, list):
            settings[name] = tuple(str(item) for item in value)
    return settings
