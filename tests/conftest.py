"""One bytecode folder for every process this test run starts.

The suite starts hundreds of Python processes (init, its verification runs, pytest on generated
suites). Where the environment forbids bytecode, each of them compiles every module it imports
again; with a shared folder outside the source trees, each module is compiled once per run.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_PREFIX = "PYTHONPYCACHEPREFIX"


def pytest_configure(config: pytest.Config) -> None:
    # xdist workers inherit the folder from the main process; a folder the caller chose stays.
    if os.environ.get("PYTEST_XDIST_WORKER") or os.environ.get(_PREFIX):
        return
    folder = tempfile.mkdtemp(prefix="flask-testkit-bytecode-")
    os.environ[_PREFIX] = folder
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
