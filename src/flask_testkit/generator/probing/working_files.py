"""Files a probe writes relative to the working directory, gone before the next probe.

Each probe's rows are rolled back; a file the request wrote (an upload, a search index entry)
would outlive it, and the next probe would see it: a test written from that probe would then
pass only after the other. Each generated test gets its own copy of the working folder as the
app made it at start, and each probe starts from that state too.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _tree(folder: Path) -> set[str]:
    found: set[str] = set()
    for root, folders, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        found.update(str(base / name) for name in [*folders, *files])
    return found


@contextmanager
def files_written_removed(written: set[str]) -> Iterator[None]:
    """Remove what the block created under the working directory, adding its paths to written."""
    folder = Path.cwd()
    before = _tree(folder)
    try:
        yield
    finally:
        created = _tree(folder) - before
        written.update(created)
        # Deepest first, so that a folder is empty by the time it is removed.
        for relative in sorted(created, key=lambda path: path.count(os.sep), reverse=True):
            path = folder / relative
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
