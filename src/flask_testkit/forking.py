"""pytest runs forked from the fork server, and started afresh where forking is not possible."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from flask_testkit import fork_server

# Set to "0" to start every run as a process of its own instead of forking it.
FORK_VARIABLE = "FLASK_TESTKIT_FORK"


class RunTimedOut(Exception):
    """A run did not finish in the time it was given."""


def forking_enabled() -> bool:
    """Whether runs may be forked: the platform can, and FLASK_TESTKIT_FORK is not 0."""
    return hasattr(os, "fork") and os.environ.get(FORK_VARIABLE, "1") != "0"


@dataclass
class PytestRuns:
    """Runs `python -m pytest ARGS` from cwd with env, its output (stdout and stderr) in a log."""

    cwd: Path
    env: dict[str, str]
    fork: bool = field(default_factory=forking_enabled)
    _server: subprocess.Popen[str] | None = field(default=None, repr=False)

    def run(
        self, args: list[str], log: Path, timeout: float | None, coverage: Path | None = None
    ) -> int:
        """pytest's exit code; with coverage, the run is measured with that coverage config."""
        if self.fork:
            code = self._forked(args, log, timeout, coverage)
            if code is not None:
                return code
        return self._spawned(args, log, timeout, coverage)

    def _spawned(
        self, args: list[str], log: Path, timeout: float | None, coverage: Path | None
    ) -> int:
        command = [sys.executable, "-m", "pytest", *args]
        if coverage is not None:
            command[1:1] = ["-m", "coverage", "run", f"--rcfile={coverage}"]
        with log.open("w", encoding="utf-8") as out:
            try:
                return subprocess.run(
                    command,
                    cwd=self.cwd,
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    check=False,
                    timeout=timeout,
                ).returncode
            except subprocess.TimeoutExpired:
                raise RunTimedOut(f"a run took longer than {timeout:.0f} s") from None

    def _forked(
        self, args: list[str], log: Path, timeout: float | None, coverage: Path | None
    ) -> int | None:
        """The run's exit code, or None when the server is gone (later runs start afresh)."""
        if self._server is None:
            self._server = subprocess.Popen(
                [sys.executable, "-m", fork_server.__name__],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        assert self._server.stdin is not None and self._server.stdout is not None
        request = {
            "args": args,
            "cwd": str(self.cwd),
            "log": str(log),
            "timeout": timeout,
            "coverage": str(coverage) if coverage is not None else None,
        }
        try:
            self._server.stdin.write(json.dumps(request) + "\n")
            self._server.stdin.flush()
            answer = self._server.stdout.readline()
        except (BrokenPipeError, OSError):
            answer = ""
        if not answer:
            self.close()
            self.fork = False
            return None
        data = json.loads(answer)
        if data["timed_out"]:
            raise RunTimedOut(f"a run took longer than {timeout or 0:.0f} s")
        return int(data["returncode"])

    def close(self) -> None:
        """Stop the fork server, if one was started."""
        server, self._server = self._server, None
        if server is not None:
            assert server.stdin is not None
            with contextlib.suppress(OSError):
                server.stdin.close()
            server.wait(timeout=30)
            if server.stdout is not None:
                server.stdout.close()
