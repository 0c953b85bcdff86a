"""What `init` shows while it works: its stages, and a bar while it probes the endpoints.

The pipeline reports to a `Progress` it is handed, so the code that reads, probes and verifies
never decides where, or whether, anything is printed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

import click

Advance = Callable[[], None]


class Progress:
    """Silent: what `init` reports when nobody is watching (a pipe, a log file, CI)."""

    def stage(self, name: str) -> None:
        """A new stage begins: reading, probing, verifying, writing."""

    def note(self, message: str) -> None:
        """A step inside a stage that can take a while, e.g. one verification run."""

    @contextmanager
    def steps(self, name: str, total: int, unit: str) -> Iterator[Advance]:
        """A stage of `total` steps; the block calls what it is given once per step done."""
        yield _nothing


def _nothing() -> None:
    pass


class TerminalProgress(Progress):
    """Stages as lines and counted stages as a bar, on a stream that a person is watching."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def stage(self, name: str) -> None:
        click.echo(f"{name}...", file=self.stream)

    def note(self, message: str) -> None:
        click.echo(f"  {message}", file=self.stream)

    @contextmanager
    def steps(self, name: str, total: int, unit: str) -> Iterator[Advance]:
        if total <= 0:
            yield _nothing
            return
        # The label is recomputed per step, so the bar says "probing 3 of 12 endpoints" rather
        # than a bare 3/12 whose unit the reader has to guess.
        bar = click.progressbar(
            length=total,
            label=_counted(name, 0, total, unit),
            file=self.stream,
            show_percent=False,
            show_pos=False,
            show_eta=False,
        )
        done = 0

        def advance() -> None:
            nonlocal done
            done += 1
            bar.label = _counted(name, done, total, unit)
            bar.update(1)

        with bar:
            yield advance


def _counted(name: str, done: int, total: int, unit: str) -> str:
    return f"{name} {done} of {total} {unit}"


# Set to "1" to show progress where it would be hidden (a terminal multiplexer's log, a test).
FORCE_VARIABLE = "FLASK_TESTKIT_PROGRESS"


def progress_for(
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> Progress:
    """Progress on stderr when both streams are a terminal and this is not CI, else silence.

    Both streams must be terminals: `init > summary.txt` keeps the summary clean of bars even
    though stderr still shows on screen, as most command-line tools do.
    """
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    environ = environ if environ is not None else os.environ
    forced = environ.get(FORCE_VARIABLE, "").lower()
    if forced in ("0", "false", "no"):
        return Progress()
    if forced in ("1", "true", "yes"):
        return TerminalProgress(stderr)
    if environ.get("CI", "").lower() == "true":
        return Progress()
    if _is_terminal(stdout) and _is_terminal(stderr):
        return TerminalProgress(stderr)
    return Progress()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return False
