"""A pytest plugin for the benchmark: times a run from its first test to its last hook."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from pathlib import Path

import pytest

#: The benchmark names the file to write the times to in this environment variable.
TIMES_FILE = "ENDPOINT_COVERAGE_BENCH_TIMES"
_started: dict[str, float] = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Generator[None, object, object]:
    """Start the clocks as the tests start, after startup and collection."""
    _started.update(cpu=time.process_time(), wall=time.perf_counter())
    return (yield)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the clocks after every report is written, and save the times."""
    if TIMES_FILE in os.environ and _started:
        times = {
            "cpu": time.process_time() - _started["cpu"],
            "wall": time.perf_counter() - _started["wall"],
        }
        Path(os.environ[TIMES_FILE]).write_text(json.dumps(times))
