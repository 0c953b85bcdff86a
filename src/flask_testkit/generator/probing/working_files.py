"""Files a probe writes relative to the working directory, gone before the next probe.

Each probe's rows are rolled back; a file the request wrote (an upload, a search index entry)
would outlive it, and the next probe would see it: a test written from that probe would then
pass only after the other. Each generated test gets the working folder as the app made it at
start, and each probe starts from that state too.

Some folders are the app's stores, left with all they hold for the rest of the run: one a
request made where there was none (a cache made on first use), and one where a request took
away a file the folder held before (a search index that replaced its table of contents with a
new generation). Removing the new files there would leave the app a store it cannot read: a
whoosh index with no table of contents raises on every later write, with its lock still taken.
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


def _inside(relative: str, stores: set[str]) -> bool:
    return any(relative == store or relative.startswith(store + os.sep) for store in stores)


def new_stores(folder: Path, created: set[str], removed: set[str]) -> set[str]:
    """The folders that became the app's stores: made where there were none, or rewritten."""
    made = {
        relative
        for relative in created
        if (folder / relative).is_dir()
        and not (folder / relative).is_symlink()
        and os.path.dirname(relative) not in created
    }
    return made | {os.path.dirname(relative) for relative in removed if os.path.dirname(relative)}


@contextmanager
def files_written_removed(written: set[str], stores: set[str]) -> Iterator[None]:
    """Remove the files the block created under the working directory, outside the stores.

    Paths created are added to written; folders that became the app's stores join stores.
    """
    folder = Path.cwd()
    before = _tree(folder)
    try:
        yield
    finally:
        after = _tree(folder)
        created = after - before
        written.update(created)
        stores.update(new_stores(folder, created, before - after))
        # Deepest first, so that a folder is empty by the time it is removed.
        for relative in sorted(created, key=lambda path: path.count(os.sep), reverse=True):
            if _inside(relative, stores):
                continue
            path = folder / relative
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
