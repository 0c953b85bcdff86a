"""The lines of the app's own code that each probe ran, measured with coverage.py.

One measurement runs while a batch of probes is sent; each probe gets its own dynamic context,
so one read at the end tells which probe ran which line. Starting and reading a measurement
costs milliseconds, switching contexts microseconds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import coverage

from ..reading.view_source import code_objects

Line = tuple[str, int]
"""(file, line number)."""

_OUTSIDE = ("*/site-packages/*", "*/.venv/*", "*/venv/*", "*/.tox/*")
_IDLE = "idle"


class LineMeter:
    """Measures which lines of the files under a folder each labelled probe runs."""

    def __init__(self, root: Path) -> None:
        self._coverage = coverage.Coverage(
            data_file=None,
            include=[str(root.resolve() / "*")],
            omit=list(_OUTSIDE),
            config_file=False,
            branch=False,
            messages=False,
        )
        # A batch in which no request ran the app's code is no news to the user.
        self._coverage.set_option(
            "run:disable_warnings",
            ["no-data-collected", "module-not-measured", "module-not-imported", "no-ctracer"],
        )
        self._labels: list[str] = []
        self._running = False

    @contextmanager
    def batch(self) -> Iterator[dict[str, set[Line]]]:
        """Measure the probes sent inside; the dict holds each label's lines once it closes."""
        found: dict[str, set[Line]] = {}
        self._labels = []
        self._coverage.erase()
        self._coverage.start()
        self._coverage.switch_context(_IDLE)
        self._running = True
        try:
            yield found
        finally:
            self._running = False
            self._coverage.stop()
            found.update(self._read())
            self._coverage.erase()

    def label(self, name: str) -> None:
        """Count the lines run from now on, until the next label, as name's (inside a batch)."""
        if self._running:
            self._labels.append(name)
            self._coverage.switch_context(name)

    def idle(self) -> None:
        """Stop counting lines for any label (a probe's own setup and reading)."""
        if self._running:
            self._coverage.switch_context(_IDLE)

    def _read(self) -> dict[str, set[Line]]:
        lines: dict[str, set[Line]] = {name: set() for name in self._labels}
        data = self._coverage.get_data()
        for file in data.measured_files():
            path = os.path.realpath(file)
            for number, contexts in data.contexts_by_lineno(file).items():
                for context in contexts:
                    if context in lines:
                        lines[context].add((path, number))
        return lines


def function_lines(function: object) -> set[Line]:
    """The lines of a function's body (nested functions included) that hold code."""
    code = getattr(function, "__code__", None)
    if code is None:
        return set()
    return {
        (os.path.realpath(current.co_filename), line)
        for current in code_objects(code)
        for _, _, line in current.co_lines()
        if line is not None and line > current.co_firstlineno
    }
