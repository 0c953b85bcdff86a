"""Run each of the app's own `flask` commands on the probe database, and keep what held.

A command is kept only when it ran to exit code 0 twice in a rolled-back block, started no
other program, opened no socket, wrote no file and finished in time. What it printed both times
and how many rows of each model it left are what its test asserts.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..reading.commands import CommandSpec, argument_values
from .processes import ProgramBlocked, programs_blocked
from .row_counts import make_rows_first, row_counts
from .sandbox import NetworkBlocked, ProbeTimeout, guarded

# Lines of output a test asserts, at most, and the longest line worth asserting.
_MAX_LINES = 3
_MAX_LINE = 120
# click.confirm's prompt when its default is no.
_CONFIRM = "[y/N]"
# A command that takes longer than this (in one run) is not also tested run twice.
_QUICK = 1.0
# A command does more than a request (it may fill the database): it gets this many times longer.
_TIME_FACTOR = 5


@dataclass
class CommandRun:
    """One way of running a command that was seen to work (or to be refused as it should)."""

    spec: CommandSpec
    arguments: list[Any]
    variant: str  # "", a flag's name, "declined" or "twice"
    input: str | None = None
    exit_code: int = 0
    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Seen:
    exit_code: int
    output: str
    counts: dict[str, int]
    problem: str | None = None
    seconds: float = 0.0


@dataclass
class CommandProbe:
    """Runs commands through the app's test CLI runner, each in a rolled-back block."""

    app: Any
    isolated: Callable[[], AbstractContextManager[Any]]
    models: list[tuple[str, type[Any]]]
    folders: list[Path]
    timeout: float
    factories: Any = None
    # The environment variables the app has read, which the conftest sets: a command that is
    # left out takes its reads with it (urllib reads every proxy variable, for one).
    environment_reads: dict[str, str | None] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)

    def runs(self, specs: list[CommandSpec]) -> list[CommandRun]:
        """Every run worth a test, over all commands; why each other command was left out."""
        kept: list[CommandRun] = []
        for spec in specs:
            if spec.unrunnable:
                self.left_out[spec.label] = spec.unrunnable
                continue
            read_before = set(self.environment_reads)
            plain = self._kept(CommandRun(spec, spec.arguments, ""), twice=True)
            if not plain:
                for name in set(self.environment_reads) - read_before:
                    del self.environment_reads[name]
                continue
            kept += plain
            for flag in spec.flags:
                kept += self._kept(CommandRun(spec, [*spec.arguments, flag], flag), twice=False)
        return kept

    def _kept(self, run: CommandRun, twice: bool) -> list[CommandRun]:
        # "y" answers a confirmation; it is kept in the test only if the command asked.
        run.input = "y\n"
        first, again = self._seen(run), self._seen(run)
        problem = first.problem or again.problem
        if problem is None and (first.exit_code or again.exit_code):
            code = first.exit_code or again.exit_code
            problem = f"exits with code {code} ({_last_line(first.output)})"
        if problem is not None:
            if not run.variant:
                self.left_out[run.spec.label] = problem
            return []
        if _CONFIRM not in first.output:
            run.input = None
        # A number the database assigned (an id) prints the same in two runs on an empty
        # database: lines with digits must also come out the same after rows were made first.
        run.lines = _stable_lines(first.output, again.output)
        if any(c.isdigit() for line in run.lines for c in line):
            shifted = self._seen(run, rows_first=True)
            run.lines = _stable_lines(first.output, again.output, shifted.output)
        run.counts = _stable_counts(first.counts, again.counts)
        runs = [run]
        if run.input is not None:
            declined = CommandRun(run.spec, run.arguments, _join(run.variant, "declined"), "n\n")
            seen = self._seen(declined)
            if seen.problem is None and seen.exit_code == 1:
                declined.exit_code = 1
                declined.lines = _stable_lines(seen.output, seen.output)[-1:]
                runs.append(declined)
        # A second run of a slow command (one that fills the database) costs its tests too much.
        if twice and max(first.seconds, again.seconds) < _QUICK:
            repeated = self._repeated(run)
            if repeated is not None:
                runs.append(repeated)
        return runs

    def _repeated(self, run: CommandRun) -> CommandRun | None:
        """The command run a second time, when that takes another way (it updates, it skips)."""
        repeated = CommandRun(run.spec, run.arguments, "twice", run.input)
        second, third = self._seen(repeated, times=2), self._seen(repeated, times=2)
        if second.problem or third.problem or second.exit_code or third.exit_code:
            return None
        lines = _stable_lines(second.output, third.output)
        if any(c.isdigit() for line in lines for c in line):
            shifted = self._seen(repeated, times=2, rows_first=True)
            lines = _stable_lines(second.output, third.output, shifted.output)
        repeated.counts = _stable_counts(second.counts, third.counts)
        new_lines = [line for line in lines if line not in run.lines]
        if not new_lines and repeated.counts == run.counts:
            return None
        repeated.lines = new_lines or lines
        return repeated

    def _seen(self, run: CommandRun, times: int = 1, rows_first: bool = False) -> _Seen:
        before = _snapshot(self.folders)
        runner = self.app.test_cli_runner()
        args = [*run.spec.path, *argument_values(run.arguments)]
        result: Any = None
        with self.isolated() as session:
            if rows_first:
                make_rows_first(
                    session,
                    self.models,
                    lambda name: getattr(self.factories, f"{name}Factory", None),
                    skip_refused=True,
                )
            start = self._counts(session) or {}
            started = time.monotonic()
            with guarded(self.timeout * _TIME_FACTOR) as report, programs_blocked() as tried:
                for _ in range(times):
                    result = runner.invoke(args=args, input=run.input)
            seconds = time.monotonic() - started
            after = self._counts(session)
            counts = None if after is None else {n: c - start.get(n, 0) for n, c in after.items()}
        problem = None
        error = result.exception
        if tried:
            problem = "would " + tried[0]
        elif report.timed_out or isinstance(error, ProbeTimeout):
            problem = f"takes longer than {self.timeout * _TIME_FACTOR:g}s"
        elif report.network_targets or isinstance(error, NetworkBlocked):
            problem = "opens a connection: " + ", ".join(report.network_targets or [str(error)])
        elif error is not None and not isinstance(error, (SystemExit, ProgramBlocked)):
            problem = f"raises {type(error).__name__}: {error}"
        written = _changed(before, _snapshot(self.folders))
        if problem is None and written:
            problem = "writes files: " + ", ".join(written[:3])
        if problem is None and counts is None:
            problem = "changes tables in a way the rollback does not undo"
        return _Seen(result.exit_code, result.output, counts or {}, problem, seconds)

    def _counts(self, session: Any) -> dict[str, int] | None:
        try:
            return row_counts(session, self.models)
        except sa.exc.SQLAlchemyError:
            return None


def _join(*parts: str) -> str:
    return "_".join(part for part in parts if part)


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][:_MAX_LINE] if lines else "no output"


def _stable_lines(first: str, again: str, shifted: str | None = None) -> list[str]:
    """Lines printed by both runs, in order: random data (names, counts of fakes) is left out.

    A line with digits is kept only if the run after other rows were made printed it too.
    """
    seen = {line.strip() for line in again.splitlines()}
    also = {line.strip() for line in shifted.splitlines()} if shifted is not None else None
    lines = []
    for line in first.splitlines():
        line = line.strip()
        if not line or line not in seen or len(line) > _MAX_LINE or line in lines:
            continue
        if also is not None and any(c.isdigit() for c in line) and line not in also:
            continue
        lines.append(line)
    return lines[:_MAX_LINES] if len(lines) <= _MAX_LINES else lines[-_MAX_LINES:]


def _stable_counts(first: dict[str, int], again: dict[str, int]) -> dict[str, int]:
    return {name: count for name, count in first.items() if again.get(name) == count}


def _snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    found = {}
    for folder in folders:
        for root, _, names in os.walk(folder):
            for name in names:
                path = Path(root, name)
                if path.suffix in (".pyc", ".db-journal"):
                    continue
                try:
                    stat = path.stat()
                except OSError:
                    continue
                found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


def _changed(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    return sorted(
        Path(p).name
        for p in set(before) ^ set(after)
        | {p for p in before.keys() & after.keys() if before[p] != after[p]}
    )
