"""Every `flask` command loads the `testkit` group, so loading it must be cheap and safe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator_runs import BIN, subprocess_env


def test_flask_help_lists_the_testkit_group(tmp_path: Path) -> None:
    env = subprocess_env("flask_help")
    env.pop("FLASK_APP", None)

    result = subprocess.run(
        [str(BIN / "flask"), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "  testkit  " in result.stdout
    assert result.stderr == ""


def test_loading_the_flask_commands_leaves_the_generator_unimported() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import flask_testkit.cli"],
        capture_output=True,
        text=True,
        check=True,
    )

    imported = [line.rpartition("|")[2].strip() for line in result.stderr.splitlines()]
    assert "flask_testkit.cli" in imported
    assert [name for name in imported if name.startswith("flask_testkit.generator")] == []
