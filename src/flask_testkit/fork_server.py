"""A process that has imported pytest and its plugins once, and forks a fresh child per run.

Most of a small suite's run is Python importing pytest, its plugins, Flask, SQLAlchemy and Faker.
The audit's bisecting and init's verification run a suite many times, so each run is forked from
this process instead of started anew. Only third-party modules are imported here, never the
project's own: every child imports the app and the tests itself, so no state of theirs passes
from one run to the next.

Protocol: one JSON request a line on stdin ({"args", "cwd", "log", "timeout", and "coverage",
a coverage config file to measure the run with, or null}), one JSON answer a line on stdout
({"returncode", "timed_out"}).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import itertools
import json
import os
import shlex
import signal
import sys
import time
import traceback
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

_PRELOADED = (
    "pytest",
    "werkzeug",
    "jinja2",
    "flask",
    "flask.testing",
    "sqlalchemy",
    "sqlalchemy.orm",
    "flask_sqlalchemy",
    "coverage",
    "faker",
    "factory",
    "factory.alchemy",
)


_OWN_PACKAGE = (__spec__.name if __spec__ else __name__).split(".")[0]
# pytest rewrites the asserts of plugins' modules as it imports them, and warns (an error under
# `filterwarnings = error`) about the ones imported before. Here they are imported first, on
# purpose: only their own asserts' messages lose detail; the suite's asserts are rewritten.
_REWRITE_WARNING = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]


def _disabled_plugins() -> set[str]:
    """The plugins PYTEST_ADDOPTS turns off (`-p no:NAME`): pytest never imports them."""
    words = shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))
    values = [after for before, after in itertools.pairwise(words) if before == "-p"]
    values += [word[2:] for word in words if word.startswith("-p") and len(word) > 2]
    return {value[3:] for value in values if value.startswith("no:")}


def _project_paths() -> set[str]:
    """The folders the project's own modules are imported from: the cwd and PYTHONPATH's."""
    listed = [os.getcwd(), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    return {os.path.realpath(path) for path in listed if path}


def _within(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder + os.sep)


# A project's own .venv is under its folder, and holds third-party modules only.
_ENVIRONMENT = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}


def _is_under(path: str, folders: set[str]) -> bool:
    """Whether path is the project's: under one of folders, and not in the environment."""
    real = os.path.realpath(path)
    if any(_within(real, prefix) for prefix in _ENVIRONMENT):
        return False
    return any(_within(real, folder) for folder in folders)


def _preload() -> set[str]:
    """Import third-party modules only; the top-level names imported.

    A project's own `factory.py` must not stand in for factory_boy here.
    """
    before = {name.partition(".")[0] for name in sys.modules}
    project = _project_paths()
    saved = sys.path[:]
    sys.path[:] = [path for path in sys.path if path and not _is_under(path, project)]
    try:
        for name in _PRELOADED:
            with contextlib.suppress(Exception):
                importlib.import_module(name)
        disabled = _disabled_plugins()
        for entry in entry_points(group="pytest11"):
            if not entry.value.startswith(_OWN_PACKAGE) and entry.name not in disabled:
                with contextlib.suppress(Exception):
                    entry.load()
    finally:
        sys.path[:] = saved
    # A project installed in editable mode is on the path all the same: what came from it goes.
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if origin and _is_under(origin, project):
            del sys.modules[name]
    return {name.partition(".")[0] for name in sys.modules} - before


def _evict_shadowed(preloaded: set[str]) -> None:
    """Forget preloaded modules that the project shadows, as a process started afresh would."""
    project = _project_paths()
    for top in preloaded:
        spec = importlib.machinery.PathFinder.find_spec(top, sys.path)
        origin = spec.origin if spec is not None else None
        if origin is not None and _is_under(origin, project):
            for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
                del sys.modules[name]


def _forget_own_package() -> None:
    """Drop this package's modules, which the child's pytest imports anew, as plugins."""
    for name in list(sys.modules):
        if name.split(".")[0] == _OWN_PACKAGE:
            del sys.modules[name]


def _reseed() -> None:
    """Give the child fresh random generators, as a process started anew gets."""
    import random

    random.seed()
    for module, name in (("faker.generator", "random"), ("factory.random", "randgen")):
        generator = getattr(sys.modules.get(module), name, None)
        if isinstance(generator, random.Random):
            generator.seed()


def _child(request: dict[str, Any], preloaded: set[str]) -> None:
    """In the forked child: run pytest as `python -m pytest` would from cwd, then exit."""
    code = 3
    try:
        os.chdir(request["cwd"])
        sys.path.insert(0, request["cwd"])
        _evict_shadowed(preloaded)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        sys.stdout = sys.__stdout__ or sys.stderr
        _forget_own_package()
        _reseed()
        args = [*request["args"], *_REWRITE_WARNING]
        sys.argv = ["pytest", *args]
        import pytest

        if request.get("coverage"):
            code = _measured(request["coverage"], lambda: int(pytest.main(args)))
        else:
            code = int(pytest.main(args))
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _measured(rcfile: str, run: Callable[[], int]) -> int:
    """The run with line coverage recorded as `coverage run --rcfile` would record it."""
    import coverage

    cov = coverage.Coverage(config_file=rcfile)
    cov.start()
    try:
        return run()
    finally:
        cov.stop()
        cov.save()


def _wait(pid: int, timeout: float | None) -> dict[str, Any]:
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = 0.002
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return {"returncode": os.waitstatus_to_exitcode(status), "timed_out": False}
        if deadline is not None and time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"returncode": -9, "timed_out": True}
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def serve() -> None:
    """Answer run requests until stdin closes."""
    preloaded = _preload()
    answers = sys.stdout
    # A child's output goes to its log: the answers' stream stays the parent's alone.
    sys.stdout = sys.stderr
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request, preloaded)
        answers.write(json.dumps(_wait(pid, request.get("timeout"))) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve()
