"""Write the suite atomically, show it as a diff, and never overwrite without being asked."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from ..errors import GeneratorError


def check_writable(out: Path, force: bool, update: bool) -> None:
    """Fail early, before any probing, when the suite could not or should not be written."""
    existing = out.exists() and any(out.iterdir()) if out.is_dir() else out.exists()
    if existing and not (force or update):
        raise GeneratorError(
            f"{out} already exists; pass --update to add tests for what has none, "
            "--force to overwrite, or --out to write elsewhere."
        )
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise GeneratorError(
            f"cannot write to {probe}: permission denied; "
            "choose another --out or fix the folder's permissions."
        )


def diff(path: Path, new: str, root: Path) -> str:
    """A unified diff from the file on disk (or nothing) to new."""
    old = path.read_text() if path.exists() else ""
    shown = os.path.relpath(path, root)
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{shown}" if old else "/dev/null",
        tofile=f"b/{shown}",
    )
    return "".join(lines)


def backup_name(path: Path) -> Path:
    """A free name beside path for a copy of it: name.orig, then name.orig2, name.orig3..."""
    candidate, n = path.with_name(path.name + ".orig"), 2
    while candidate.exists():
        candidate, n = path.with_name(f"{path.name}.orig{n}"), n + 1
    return candidate


def write_atomically(files: dict[Path, str], keep_copies: bool = False) -> dict[Path, Path]:
    """Write every file or none: stage each beside its target, then rename them all into place.

    With keep_copies, an existing file whose text changes is first copied beside itself; the
    result maps each such file to its copy.
    """
    created_dirs: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    copies: dict[Path, Path] = {}
    try:
        if keep_copies:
            for path in sorted(files):
                if path.is_file() and path.read_text(encoding="utf-8") != files[path]:
                    copies[path] = backup_name(path)
                    shutil.copy2(path, copies[path])
        for path in sorted(files):
            for parent in reversed(path.parents):
                if not parent.exists():
                    parent.mkdir()
                    created_dirs.append(parent)
            handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(files[path])
            os.chmod(temp_name, 0o644)
            staged.append((Path(temp_name), path))
    except OSError as error:
        raise _undone(error, [t for t, _ in staged], list(copies.values()), created_dirs) from None
    _move_into_place(staged, created_dirs, list(copies.values()))
    return copies


def _move_into_place(
    staged: list[tuple[Path, Path]], created_dirs: list[Path], copies: list[Path]
) -> None:
    """Rename every staged file over its target; if one rename fails, put back all before it."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for temp, path in staged:
            previous = None
            if path.exists():
                previous = path.with_name(f".{path.name}.{uuid.uuid4().hex}.previous")
                _keep(path, previous)
            done.append((path, previous))
            os.replace(temp, path)
    except OSError as error:
        for path, previous in reversed(done):
            if previous is None:
                path.unlink(missing_ok=True)
            elif path.exists() and os.path.samefile(previous, path):
                # Its rename never happened, and renaming a link onto itself does nothing.
                previous.unlink()
            else:
                os.replace(previous, path)
        raise _undone(error, [t for t, _ in staged], copies, created_dirs) from None
    for _, previous in done:
        if previous is not None:
            previous.unlink()


def _undone(
    error: OSError, temps: list[Path], copies: list[Path], created_dirs: list[Path]
) -> GeneratorError:
    """Remove what a failed write left (staged files, copies, new folders); the error to raise."""
    for leftover in [*temps, *copies]:
        leftover.unlink(missing_ok=True)
    for directory in reversed(created_dirs):
        directory.rmdir()
    return GeneratorError(
        f"cannot write {error.filename or 'the suite'}: {error.strerror}; nothing was written."
    )


def _keep(path: Path, previous: Path) -> None:
    """Keep path's current text under another name, to put it back if the write fails."""
    try:
        os.link(path, previous)  # no copying, where the filesystem has hard links
    except OSError:
        shutil.copy2(path, previous)


def drop_unneeded_copies(copies: dict[Path, Path]) -> dict[Path, Path]:
    """Remove the copies whose file ended up with the same text (after formatting) as before."""
    kept = {}
    for path, copy in copies.items():
        if copy.read_bytes() == path.read_bytes():
            copy.unlink()
        else:
            kept[path] = copy
    return kept
