"""Apps maintained through their own `flask` commands: each one that runs safely is tested."""

from __future__ import annotations

import os
import subprocess

import pytest
from generator_runs import GeneratedSuite, sample_suite

from flask_testkit.generator.probing.processes import ProgramBlocked, programs_blocked


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """An app with commands that fill the database, ask before dropping it, and misbehave."""
    return sample_suite("commands_app", tmp_path_factory)


def test_every_safe_command_gets_a_passing_test(suite: GeneratedSuite) -> None:
    tests = suite.read("tests/integration/test_commands.py")
    for name in [
        "test_init_db_command",
        "test_init_db_command_with_drop",
        "test_init_db_command_with_drop_declined",
        "test_create_admin_command",
        "test_create_admin_command_twice",
        "test_seed_command",
        "test_seed_command_twice",
        "test_entries_count_command",
        "test_add_entry_command",
    ]:
        assert f"def {name}(runner, db_session):" in tests
    assert suite.tests.returncode == 0, suite.tests.stdout[-2000:]
    assert "dropped by verification: 0" in suite.init.stdout
    assert suite.outcomes.get("passed", 0) >= 12 and set(suite.outcomes) == {"passed"}


def test_a_command_test_asserts_its_output_and_the_rows_it_made(suite: GeneratedSuite) -> None:
    tests = suite.read("tests/integration/test_commands.py")
    seed_twice = tests.split("def test_seed_command_twice")[1].split("\n\n\n")[0]
    invoke = 'runner.invoke(args=["seed"], catch_exceptions=False)'
    assert f"{invoke}\n    result = {invoke}" in seed_twice
    assert "assert db_session.scalar(select(func.count()).select_from(Entry)) == 10" in seed_twice
    admin = tests.split("def test_create_admin_command(")[1].split("\n\n\n")[0]
    assert "TEST_PASSWORD" in admin and '"test-username"' in admin
    assert 'assert "Created the administrator." in result.output' in admin
    updated = tests.split("def test_create_admin_command_twice")[1].split("\n\n\n")[0]
    assert 'assert "Updated the administrator." in result.output' in updated
    # The id the database gave the row is never asserted: it came out 1 only on an empty table.
    added = tests.split("def test_add_entry_command(")[1].split("\n\n\n")[0]
    assert (
        'args=["add-entry", "test-title"]' in added and 'assert "Done." in result.output' in added
    )
    assert "Added entry" not in added
    assert "assert db_session.scalar(select(func.count()).select_from(Entry)) == 1" in added
    declined = tests.split("def test_init_db_command_with_drop_declined")[1].split("\n\n\n")[0]
    assert 'input="n\\n"' in declined and "assert result.exit_code == 1" in declined


def test_commands_that_reach_outside_the_test_are_left_out_and_named(suite: GeneratedSuite):
    out = suite.init.stdout
    assert "flask lint: left out, it would start another program: ruff check ." in out
    assert "flask export: left out, it writes files: entries.csv" in out
    assert "flask ping: left out, it opens a connection" in out
    tests = suite.read("tests/integration/test_commands.py")
    assert "lint" not in tests and "export" not in tests and "ping" not in tests
    # urllib reads every proxy variable: a command left out must not leave them in the conftest.
    assert "os.environ.setdefault" not in suite.read("tests/conftest.py")
    assert not list(suite.root.rglob("entries.csv"))


def test_programs_blocked_refuses_every_way_of_starting_a_program() -> None:
    with programs_blocked() as tried:
        with pytest.raises(ProgramBlocked):
            subprocess.run(["echo", "hello"], check=False)
        with pytest.raises(ProgramBlocked):
            os.system("echo hello")
        with pytest.raises(ProgramBlocked):
            pytest.main(["--version"])
    assert tried == [
        "start another program: echo hello",
        "start another program: os.system",
        "run a test suite",
    ]
    assert subprocess.run(["true"], check=False).returncode == 0
