"""Refuse to start other programs or test suites while `init` runs an app's own code."""

from __future__ import annotations

import os
import subprocess
import unittest
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

# Everything in the standard library that starts a program goes through one of these.
_OS_CALLS = (
    *("system", "fork", "forkpty", "posix_spawn", "posix_spawnp", "spawnv", "spawnve"),
    *("execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe"),
)


class ProgramBlocked(OSError):
    """Raised inside `init` when the app starts another program (a test runner, a linter)."""


@contextmanager
def programs_blocked() -> Iterator[list[str]]:
    """Refuse to start any program or test suite; yield what was tried, as "start ...".

    A command that runs pytest, a linter or a translation tool would, in a generated test,
    start it in the user's tree, and in `init` it would outlive the probe's time limit.
    """
    tried: list[str] = []

    def blocked(what: str) -> ProgramBlocked:
        tried.append(what)
        return ProgramBlocked(f"init does not let the app's code {what}")

    def refuse(what: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            raise blocked(f"start another program: os.{what}")

        return refused

    def refused_popen(self: Any, command: Any, *args: Any, **kwargs: Any) -> None:
        # Popen closes its pipes when starting the child fails, so nothing leaks.
        listed = isinstance(command, (list, tuple))
        shown = " ".join(map(str, command)) if listed else str(command)
        raise blocked(f"start another program: {shown}")

    def refused_suite(*args: Any, **kwargs: Any) -> Any:
        # A `flask test` command runs the project's own suite in-process: not the app's work.
        raise blocked("run a test suite")

    suite_runners = [(unittest.TextTestRunner, "run"), (pytest, "main")]
    saved_runners = [(owner, name, getattr(owner, name)) for owner, name in suite_runners]
    for owner, name in suite_runners:
        setattr(owner, name, refused_suite)
    saved: dict[str, Any] = {}
    popen_start = subprocess.Popen._execute_child  # type: ignore[attr-defined]
    for name in _OS_CALLS:
        if hasattr(os, name):
            saved[name] = getattr(os, name)
            setattr(os, name, refuse(name))
    subprocess.Popen._execute_child = refused_popen  # type: ignore[attr-defined]
    try:
        yield tried
    finally:
        subprocess.Popen._execute_child = popen_start  # type: ignore[attr-defined]
        for name, original in saved.items():
            setattr(os, name, original)
        for owner, name, original in saved_runners:
            setattr(owner, name, original)
