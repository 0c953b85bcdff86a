"""Use flask-testkit as a user who installed it from its wheel would, on a guide-style project.

Run with the Python of an environment that holds the installed package (not an editable
checkout): `.ci/run` makes one next to Flask-SQLAlchemy only. The project is copied to a
temporary folder, so nothing of the checkout is importable and nothing is written into it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
# Settings of the shell that would change what the project's runs see.
UNSET = ("PYTEST_ADDOPTS", "TEST_DATABASE_URL", "FLASK_APP", "PYTHONPATH")


def run(command: list[str], cwd: Path) -> str:
    """The command's output; stops the check with it when the command fails."""
    env = {name: value for name, value in os.environ.items() if name not in UNSET}
    shown = " ".join(command)
    print(f"$ {shown}", flush=True)
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        sys.exit(f"{output}\nsmoke: `{shown}` exited with {result.returncode}")
    return output


def expect(output: str, *wanted: str) -> None:
    missing = [text for text in wanted if text not in output]
    if missing:
        sys.exit(f"{output}\nsmoke: missing from the output above: {missing}")


def check_installed_copy() -> None:
    import flask_testkit

    location = Path(flask_testkit.__file__).resolve()
    if HERE.parents[1] in location.parents:
        sys.exit(f"smoke: flask_testkit comes from the checkout ({location}), not from its wheel")
    print(f"flask_testkit from {location.parent}")


def main() -> None:
    check_installed_copy()
    with tempfile.TemporaryDirectory(prefix="ftk-smoke-") as folder:
        project = Path(folder) / "project"
        shutil.copytree(HERE / "project", project)
        pytest, testkit = str(BIN / "pytest"), str(BIN / "flask-testkit")

        # In file order, so a test sees what the one before it left behind: nothing.
        output = run(
            [pytest, "guide_tests", "-p", "no:randomly", "--endpoint-coverage-json=guide.json"],
            project,
        )
        expect(
            output,
            "5 passed",
            "endpoint coverage",
            "POST    /users",
            "TOTAL: 2/2 endpoints have a happy path and an error case (100%)",
        )
        output = run([testkit, "coverage", "combine", "guide.json", "--fail-under", "100"], project)
        expect(output, "TOTAL: 2/2 endpoints")

        output = run([testkit, "init", "--app", 'app:create_app("testing")', "--run"], project)
        expect(output, "Wrote ", "tests/conftest.py", "tests/factories.py", "endpoint coverage")
        expect(output, "TOTAL: 2/2 endpoints have a happy path and an error case (100%)")
        if " failed" in output or " passed" not in output:
            sys.exit(f"{output}\nsmoke: the suite init wrote did not pass")
    print("smoke: ok")


if __name__ == "__main__":
    main()
