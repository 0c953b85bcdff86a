"""Writing the suite is all or nothing, even when a rename fails half-way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flask_testkit.generator.errors import GeneratorError
from flask_testkit.generator.writing.files import write_atomically


def files_under(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): path.read_text()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_every_file_is_written(tmp_path: Path) -> None:
    write_atomically({tmp_path / "tests" / "a.py": "A\n", tmp_path / "tests" / "b.py": "B\n"})

    assert files_under(tmp_path) == {"tests/a.py": "A\n", "tests/b.py": "B\n"}


def test_a_failed_rename_puts_back_every_file_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = tmp_path / "tests"
    suite.mkdir()
    (suite / "a.py").write_text("mine a\n")
    (suite / "c.py").write_text("mine c\n")
    before = files_under(tmp_path)
    real_replace = os.replace
    renames: list[str] = []

    def failing_third_rename(source: str | Path, target: str | Path) -> None:
        renames.append(str(target))
        if len(renames) == 3:
            raise OSError(28, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_third_rename)
    files = {
        suite / "a.py": "new a\n",
        suite / "b.py": "new b\n",
        suite / "c.py": "new c\n",
        suite / "unit" / "d.py": "new d\n",
    }

    with pytest.raises(GeneratorError, match="No space left on device; nothing was written"):
        write_atomically(files, keep_copies=True)

    assert files_under(tmp_path) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.py", "c.py", "tests"]


def test_a_failed_rename_removes_the_folders_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_rename(source: str | Path, target: str | Path) -> None:
        raise OSError(13, "Permission denied", str(target))

    monkeypatch.setattr(os, "replace", no_rename)

    with pytest.raises(GeneratorError, match="Permission denied; nothing was written"):
        write_atomically({tmp_path / "tests" / "unit" / "a.py": "A\n"})

    assert list(tmp_path.iterdir()) == []
