"""The reference app's own suite passes as its README runs it: both gates, random order, -n 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

USERAPI = Path(__file__).parents[2] / "examples" / "userapi"


def suite_environment() -> dict[str, str]:
    """This run's environment; on PostgreSQL, a database name of the suite's own."""
    env = dict(os.environ)
    env.pop("PYTEST_XDIST_WORKER", None)
    url = env.get("TEST_DATABASE_URL")
    if url:
        parsed = make_url(url)
        name = f"{parsed.database}_userapi_{uuid.uuid4().hex[:8]}"
        env["TEST_DATABASE_URL"] = parsed.set(database=name).render_as_string(hide_password=False)
    return env


def test_the_reference_app_suite_passes_with_full_branch_and_endpoint_coverage() -> None:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/",
        "--cov=app",
        "--cov-branch",
        "--cov-report=term-missing",
        "-n",
        "2",
        "-p",
        "randomly",
        "-q",
    ]
    result = subprocess.run(
        command, cwd=USERAPI, env=suite_environment(), capture_output=True, text=True, timeout=600
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "Required test coverage of 100% reached" in output
    endpoints = re.search(
        r"TOTAL: (\d+)/(\d+) endpoints have a happy path and an error case", output
    )
    assert endpoints, output[-3000:]
    assert endpoints[1] == endpoints[2]
    assert " failed" not in output.splitlines()[-1]
