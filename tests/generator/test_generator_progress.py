"""init shows its stages on a terminal, and nothing but its summary anywhere else."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from generator_runs import UNRELATED_PLUGINS, copy_sample, subprocess_env

from flask_testkit.cli import main
from flask_testkit.generator.progress import (
    FORCE_VARIABLE,
    Progress,
    TerminalProgress,
    progress_for,
)

STAGES = ("reading the app", "probing", "verifying the suite", "writing")


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal, as a person's shell is."""

    def isatty(self) -> bool:
        return True


def init_notes_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """init on the module-level sample app, in this process, with verification."""
    root = copy_sample("module_app", tmp_path)
    for name, value in subprocess_env("progress").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PYTEST_ADDOPTS", " ".join(UNRELATED_PLUGINS))
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.chdir(root)
    monkeypatch.syspath_prepend(str(root))
    try:
        return CliRunner().invoke(main, ["init", "--app", "notes_app", *args])
    finally:
        sys.modules.pop("notes_app", None)


def test_init_off_a_terminal_prints_its_summary_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FORCE_VARIABLE, raising=False)

    result = init_notes_app(tmp_path, monkeypatch)

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "Wrote 8 files" in result.stdout
    for stage in STAGES:
        assert f"{stage}..." not in result.stdout
    assert " of 4 endpoints" not in result.stdout


def test_init_forced_to_show_progress_names_every_stage_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FORCE_VARIABLE, "1")

    result = init_notes_app(tmp_path, monkeypatch)

    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "reading the app..."
    assert "probing 4 of 4 endpoints" in lines
    assert "verifying the suite..." in lines
    assert any(line.startswith("  verifying: run 1 of ") for line in lines)
    assert lines[-1] == "writing..."
    assert "probing" not in result.stdout


def test_a_terminal_gets_a_bar_that_counts_the_endpoints() -> None:
    stream = FakeTerminal()
    progress = TerminalProgress(stream)

    progress.stage("reading the app")
    with progress.steps("probing", 3, "endpoints") as advance:
        for _ in range(3):
            advance()
    progress.note("verifying: run 1 of 2")

    shown = stream.getvalue()
    assert shown.startswith("reading the app...\n")
    assert "probing 0 of 3 endpoints" in shown
    assert "probing 3 of 3 endpoints  [####" in shown
    assert shown.endswith("\n  verifying: run 1 of 2\n")


@pytest.mark.parametrize(
    ("stdout_is_terminal", "stderr_is_terminal", "environ", "shown"),
    [
        (True, True, {}, True),
        (True, True, {"CI": "true"}, False),
        (True, True, {"CI": "true", FORCE_VARIABLE: "1"}, True),
        (True, True, {FORCE_VARIABLE: "0"}, False),
        (False, True, {}, False),
        (True, False, {}, False),
        (False, False, {FORCE_VARIABLE: "1"}, True),
    ],
)
def test_progress_is_shown_to_a_person_at_a_terminal_only(
    stdout_is_terminal: bool, stderr_is_terminal: bool, environ: dict[str, str], shown: bool
) -> None:
    stdout = FakeTerminal() if stdout_is_terminal else io.StringIO()
    stderr = FakeTerminal() if stderr_is_terminal else io.StringIO()

    progress = progress_for(stdout, stderr, environ)

    assert isinstance(progress, TerminalProgress) is shown
    progress.stage("writing")
    assert stdout.getvalue() == ""
    assert stderr.getvalue() == ("writing...\n" if shown else "")


def test_silent_progress_still_runs_the_block_it_counts() -> None:
    done = []
    with Progress().steps("probing", 2, "endpoints") as advance:
        for step in range(2):
            done.append(step)
            advance()

    assert done == [0, 1]
