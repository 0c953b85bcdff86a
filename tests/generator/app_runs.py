"""Run init on a sample app with an environment of its own, then its suite with another."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator_runs import BIN, copy_sample, ruff, run_pytest, subprocess_env


@dataclass
class AppRun:
    """A sample app after `init`, and its generated suite's run."""

    root: Path
    init: subprocess.CompletedProcess[str]
    tests: subprocess.CompletedProcess[str]

    def read(self, relative: str) -> str:
        """A generated file's text."""
        return (self.root / relative).read_text()

    def ruff_problems(self) -> str:
        """What ruff's check and format say about the generated suite; empty when clean."""
        checked = ruff(self.root, "check", "--no-cache", "tests")
        formatted = ruff(self.root, "format", "--check", "--no-cache", "tests")
        return "".join(r.stdout for r in (checked, formatted) if r.returncode != 0)


def init_sample(
    name: str, spec: str, destination: Path, extra_env: dict[str, str] | None = None
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Copy a sample app and run `flask-testkit init` on it with extra_env exported."""
    root = copy_sample(name, destination)
    env = {**subprocess_env(f"{name}_probe"), **(extra_env or {})}
    init = subprocess.run(
        [str(BIN / "flask-testkit"), "init", "--app", spec],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    return root, init


def run_suite(
    root: Path, name: str, unset: tuple[str, ...] = (), extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A plain `pytest tests/` on the generated suite, variables in unset not exported."""
    env = {k: v for k, v in subprocess_env(name).items() if k not in unset}
    env.update(extra or {})
    return run_pytest(root, "tests/", "-q", suffix=name, env=env)


def init_and_run(name: str, spec: str, destination: Path) -> AppRun:
    """init on a copy of the sample app, then its suite, in the ordinary environment."""
    root, init = init_sample(name, spec, destination)
    return AppRun(root, init, run_suite(root, name))
