"""A scratch copy of the project, with the rendered files in place, for verification runs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from ..errors import GeneratorError
from ..project_copy import is_tool_folder

# Beside the tool folders every copy leaves out: what tests never need, builds and reports.
_SKIPPED = frozenset({".eggs", ".hypothesis", "htmlcov"})
_SKIPPED_AT_TOP = frozenset({"build", "dist"})


def project_base(cwd: Path, app_root: Path, out: Path) -> Path:
    """The folder to copy: where init runs, widened to hold the app and the suite."""
    base = Path(os.path.commonpath([cwd, app_root, out]))
    if len(base.parts) < 3 or base == Path.home():
        raise GeneratorError(
            f"cannot verify a suite outside the project ({out} and {app_root} share only {base}); "
            "run init from a folder that holds both, or pass --no-verify."
        )
    return base


def _ignored(base: Path, keep: set[Path]) -> Callable[[str, list[str]], set[str]]:
    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder)
        skipped = set()
        for name in names:
            path = here / name
            if path in keep:
                continue
            if (
                name in _SKIPPED
                or name.endswith(".egg-info")
                or (here == base and name in _SKIPPED_AT_TOP)
                or is_tool_folder(path)
            ):
                skipped.add(name)
        return skipped

    return ignore


def make_scratch(base: Path, out: Path, files: dict[Path, str], destination: Path) -> Path:
    """Copy base to destination/project, then write files there at their places; the copy."""
    copy = destination / "project"
    # The output folder is copied even inside a skipped one (`--out build/tests`): its own
    # files take part in the run.
    keep = {out, *out.parents}
    shutil.copytree(base, copy, symlinks=True, ignore=_ignored(base, keep))
    place(base, copy, files)
    return copy


def place(base: Path, copy: Path, files: dict[Path, str]) -> None:
    """Write files into the copy at the places they have under base."""
    for path, source in files.items():
        target = copy / path.relative_to(base)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source, encoding="utf-8")


def remove(base: Path, copy: Path, paths: list[Path]) -> None:
    """Delete files of the copy, given by their places under base."""
    for path in paths:
        (copy / path.relative_to(base)).unlink(missing_ok=True)


FileState = dict[str, tuple[int, int]]


def tree_state(copy: Path, leave_out: Path) -> FileState:
    """Each file under copy but leave_out, by its relative path: its size and mtime."""
    state = {}
    for path in copy.rglob("*"):
        if path.is_file() and not path.is_relative_to(leave_out):
            stat = path.stat()
            state[str(path.relative_to(copy))] = (stat.st_size, stat.st_mtime_ns)
    return state


def changed_files(before: FileState, after: FileState) -> list[str]:
    """Files made, changed or removed between two states."""
    names = before.keys() | after.keys()
    return sorted(name for name in names if before.get(name) != after.get(name))
