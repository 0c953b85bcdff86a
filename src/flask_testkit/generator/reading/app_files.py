"""Keep what the app writes out of its tree: load it from a scratch copy, folders in temp dirs."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from ..project_copy import is_tool_folder

# Beside the tool folders every copy leaves out: virtualenv names and stray bytecode.
_NOT_THE_APP = (".venv", "venv", "*.pyc")
_PATH_KEY = re.compile(r"FOLDER|DIR|DIRECTORY|PATH|FILE|ROOT|INDEX|WHOOSH|UPLOAD|STORAGE|LOG")


@dataclass(frozen=True)
class ScratchCopy:
    """The project's folder and the copy `init` loads the app from."""

    real: Path
    copy: Path

    @property
    def working(self) -> Path:
        """The empty folder the app runs in, beside the copy."""
        return self.copy.parent / "working-directory"

    def to_real(self, path: Path) -> Path:
        """The path in the user's tree that a path in the copy stands for."""
        try:
            return self.real / path.resolve().relative_to(self.copy)
        except ValueError:
            return path


@contextmanager
def scratch_copy(root: Path, leave_out: Path | None = None) -> Iterator[ScratchCopy]:
    """Copy root to a temporary folder and work there, so that the app writes only to the copy.

    An app writes where its own code points: beside its modules (`__file__`-relative logs,
    uploads, an SQLite file), its instance folder, the working directory, bytecode caches. All
    of these are inside the copy while the app is loaded from it and the process runs in it.
    """
    root = root.resolve()
    with tempfile.TemporaryDirectory(prefix="ftk-app-") as folder:
        copy = Path(folder).resolve() / root.name
        skip = shutil.ignore_patterns(*_NOT_THE_APP)

        def ignore(directory: str, names: list[str]) -> set[str]:
            ignored = set(skip(directory, names))
            here = Path(directory)
            ignored |= {n for n in names if is_tool_folder(here / n)}
            if leave_out is not None:
                ignored |= {n for n in names if (here / n).resolve() == leave_out}
            return ignored

        shutil.copytree(root, copy, symlinks=True, ignore=ignore)
        previous, path = Path.cwd(), list(sys.path)
        os.chdir(copy)
        try:
            yield ScratchCopy(root, copy)
        finally:
            os.chdir(previous)
            sys.path[:] = [entry for entry in sys.path if entry in path]


@contextmanager
def empty_working_directory(copy: ScratchCopy) -> Iterator[None]:
    """Run in an empty folder beside the copy; `cwd_writes` tells what the app wrote there.

    A file that appears there was written relative to the working directory (`logs/app.log`,
    a search index): the suite then gives the app a folder of its own to work in. A file the
    app writes beside its own code lands in the copy instead.
    """
    copy.working.mkdir()
    previous = Path.cwd()
    os.chdir(copy.working)
    try:
        yield
    finally:
        os.chdir(previous)


def cwd_writes(copy: ScratchCopy) -> list[str]:
    """The files the app has written relative to the working directory so far."""
    folder = copy.working
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@dataclass(frozen=True)
class FileSetting:
    """A config key naming a folder or file the app writes; tests get their own in tmp_path."""

    key: str
    is_folder: bool
    name: str
    path: Path  # where the app's config pointed it, in the copy
    # The app joins a Path value with `/`: a str in its place breaks that, so keep the type.
    as_path: bool = False

    @property
    def source(self) -> str:
        """The path the conftest gives the key, under the test's tmp_path."""
        return f"tmp_path / {self.name!r}"


def file_settings(app: Flask, copy: ScratchCopy, skip: set[str]) -> list[FileSetting]:
    """Config keys naming a folder or file the app made: one the user's tree does not have.

    A file or folder the project already has (data the app reads, a folder kept in git) is
    left alone here; `written_settings` finds out after probing whether the app wrote to it.
    """
    return [s for s in _path_settings(app, copy.copy, skip) if not copy.to_real(s.path).exists()]


def written_settings(app: Flask, copy: ScratchCopy, skip: set[str]) -> list[FileSetting]:
    """Config keys naming a folder or file the project has, which the app changed in the copy."""
    return [
        setting
        for setting in _path_settings(app, copy.copy, skip)
        if copy.to_real(setting.path).exists()
        and _differs(setting.path, copy.to_real(setting.path))
    ]


def _differs(copied: Path, real: Path) -> bool:
    if copied.is_file() or real.is_file():
        return not (copied.is_file() and real.is_file()) or copied.read_bytes() != real.read_bytes()
    if not copied.is_dir():
        return True
    names = {p.name for p in copied.iterdir()}
    if names != {p.name for p in real.iterdir()}:
        return True
    return any(_differs(copied / name, real / name) for name in names)


def _path_settings(app: Flask, root: Path, skip: set[str]) -> list[FileSetting]:
    found = []
    defaults = set(app.default_config)
    for key, value in app.config.items():
        if key in defaults or key in skip or key.startswith("SQLALCHEMY_"):
            continue
        if not isinstance(value, str | os.PathLike) or not _PATH_KEY.search(key):
            continue
        text = os.fspath(value)
        if "://" in text or not text.strip() or key.endswith("URL"):
            continue
        path = Path(text) if os.path.isabs(text) else root / text
        if not _names_a_path(text, path, root):
            continue
        is_folder = path.is_dir() or not path.suffix
        name = key.lower() if is_folder else path.name
        as_path = not isinstance(value, str)
        found.append(FileSetting(key, is_folder, name, path.resolve(), as_path))
    return found


def _names_a_path(text: str, path: Path, root: Path) -> bool:
    """True when a value names a file or folder: one that exists, or a file in a folder that does.

    Values such as a log level ("INFO"), a date format ("%Y/%m/%d"), a URL path ("/docs") or a
    list of file types (".png,.jpg") are left alone: they name nothing on disk.
    """
    if path.exists():
        return path != Path("/")
    if "," in text:
        return False
    looks_like_one = bool(path.suffix) or (os.sep in text and path.is_relative_to(root))
    return looks_like_one and path.parent.is_dir() and path.parent != Path("/")


def point_into(app: Flask, settings: list[FileSetting], folder: Path) -> None:
    """Point each setting at a new folder or file inside folder, as the conftest does per test."""
    for setting in settings:
        target = folder / setting.name
        if setting.is_folder:
            target.mkdir(parents=True, exist_ok=True)
        app.config[setting.key] = target if setting.as_path else str(target)
