"""Where the suite is: PATH as a folder or one file, or testpaths, and the files pytest collects."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from flask_testkit.audit.findings import AuditError
from flask_testkit.audit.pytest_config import PytestConfig, find_config

DEFAULT_FOLDER = "tests"
# Names a suite kept in one file usually has (microblog's `tests.py`), offered when PATH is wrong.
_SINGLE_FILE_NAMES = ("tests.py", "test.py")


@dataclass(frozen=True)
class SuiteLocation:
    """The suite's folder or file, how to show it, and the pytest config its runs use."""

    path: Path
    shown: str
    config: PytestConfig

    @property
    def is_file(self) -> bool:
        """A suite that is one module, passed as PATH: pytest collects it whatever its name."""
        return self.path.is_file()

    def python_files(self) -> list[Path]:
        """Every .py file of the suite: its tests, conftests and helpers, in a stable order."""
        if self.is_file:
            return [*self._conftests_above(), self.path]
        found = []
        for path in sorted(self.path.rglob("*.py")):
            parts = path.parent.relative_to(self.path).parts
            folders = [self.path.joinpath(*parts[: depth + 1]) for depth in range(len(parts))]
            if not any(self.config.skips_folder(folder) for folder in folders):
                found.append(path)
        return found

    def is_test_module(self, path: Path) -> bool:
        """Whether pytest collects tests from this file of the suite."""
        return path == self.path or (not self.is_file and self.config.is_test_module(path))

    def _conftests_above(self) -> list[Path]:
        """conftest.py files pytest loads for a single file: beside it and up to the rootdir."""
        top = self.config.file.parent if self.config.file else self.path.parent
        found = []
        folder = self.path.parent
        while True:
            conftest = folder / "conftest.py"
            if conftest.is_file() and conftest != self.path:
                found.append(conftest)
            if folder == top or folder == folder.parent or not folder.is_relative_to(top):
                break
            folder = folder.parent
        return list(reversed(found))


def locate_suite(root: Path, given: str | None) -> SuiteLocation:
    """PATH resolved from the project's folder, or testpaths, or tests/; AuditError if none is."""
    if given is None:
        given = _from_testpaths(root) or DEFAULT_FOLDER
        if not (root / given).exists():
            raise AuditError(_nothing_at(root, given, defaulted=True))
    path = (root / given).resolve()
    if not path.exists():
        raise AuditError(_nothing_at(root, given, defaulted=False))
    if path.is_file() and path.suffix != ".py":
        raise AuditError(f"{given} is not a Python file. Pass the suite's folder or its .py file.")
    location = SuiteLocation(path, _shown(path, root), find_config(path))
    files = location.python_files()
    if not any(location.is_test_module(file) for file in files):
        patterns = " ".join(location.config.get("python_files"))
        origin = location.config.origin("python_files")
        raise AuditError(
            f"{location.shown} holds no file that pytest collects (python_files: {patterns}, "
            f"{origin}). Pass the suite's folder or file, or set python_files in the project's "
            "pytest config."
        )
    return location


def _from_testpaths(root: Path) -> str | None:
    """The one folder testpaths names, as pytest reads it when run with no path from root."""
    config = find_config(root)
    if config.file is None or config.file.parent.resolve() != root.resolve():
        return None
    paths: list[str] = []
    for entry in config.get("testpaths"):
        matched = sorted(glob.glob(entry, root_dir=root, recursive=True))
        paths += matched or [entry]
    if len(paths) > 1:
        raise AuditError(
            f"testpaths in {config.file.name} names several folders ({', '.join(paths)}). "
            "Audit one at a time: flask-testkit audit PATH --app ..."
        )
    return paths[0] if paths else None


def _nothing_at(root: Path, given: str, defaulted: bool) -> str:
    what = "folder" if defaulted else "file or folder"
    hint = "Pass the suite's folder or file (flask-testkit audit PATH --app ...)"
    candidates = [name for name in _SINGLE_FILE_NAMES if (root / name).is_file()]
    if defaulted and candidates:
        found = candidates[0]
        return (
            f"there is no folder {given!r} to audit. The suite looks like {found}: "
            f"flask-testkit audit {found} --app ..."
        )
    return f"there is no {what} {given!r} to audit. {hint}, run from the project's folder."


def _shown(path: Path, root: Path) -> str:
    resolved = root.resolve()
    return path.relative_to(resolved).as_posix() if path.is_relative_to(resolved) else str(path)
