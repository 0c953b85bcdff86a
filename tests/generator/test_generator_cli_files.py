"""--dry-run, --force, --update and `flask testkit init`, run as a user runs them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from generator_runs import (
    BIN,
    NOTES_APP_TESTS,
    copy_sample,
    ends_with_run_command,
    ruff,
    run_init,
    run_pytest,
    subprocess_env,
)

NOTES_TESTS = Path("tests/integration/test_notes_app_api.py")


@pytest.fixture
def notes_app(tmp_path: Path) -> Path:
    """A fresh copy of the module-level sample app."""
    return copy_sample("module_app", tmp_path)


def test_dry_run_prints_the_files_as_a_diff_and_writes_nothing(notes_app: Path) -> None:
    result = run_init(notes_app, "--app", "notes_app", "--dry-run", "--no-verify", suffix="dry_run")

    assert result.returncode == 0, result.stderr
    assert "--- /dev/null\n+++ b/tests/conftest.py\n" in result.stdout
    assert "+def test_get_note_returns_ok(client, db_session):\n" in result.stdout
    assert "Would write 8 files" in result.stdout
    assert not (notes_app / "tests").exists()


def test_force_replaces_an_edited_file_and_keeps_the_edit_beside_it(notes_app: Path) -> None:
    run_init(notes_app, "--app", "notes_app", "--no-verify", suffix="force")
    conftest = notes_app / "tests" / "conftest.py"
    original = conftest.read_text()
    conftest.write_text("# edited\n")

    result = run_init(notes_app, "--app", "notes_app", "--force", "--no-verify", suffix="force")

    assert result.returncode == 0, result.stderr
    assert conftest.read_text() == original
    assert (notes_app / "tests" / "conftest.py.orig").read_text() == "# edited\n"
    assert "kept beside them:\n  tests/conftest.py.orig\n" in result.stdout


def test_force_on_an_unchanged_suite_changes_no_file_and_keeps_the_users_own(
    notes_app: Path,
) -> None:
    run_init(notes_app, "--app", "notes_app", "--no-verify", suffix="force_twice")
    own = notes_app / "tests" / "integration" / "test_written_by_hand.py"
    own.write_text("def test_mine():\n    assert 1 + 1 == 2\n")
    before = {p: p.read_text() for p in (notes_app / "tests").rglob("*") if p.is_file()}

    result = run_init(
        notes_app, "--app", "notes_app", "--force", "--no-verify", suffix="force_twice"
    )

    assert result.returncode == 0, result.stderr
    after = {p: p.read_text() for p in (notes_app / "tests").rglob("*") if p.is_file()}
    assert after == before


def test_update_adds_missing_tests_and_keeps_every_other_line(notes_app: Path) -> None:
    run_init(notes_app, "--app", "notes_app", "--no-verify", suffix="update")
    path = notes_app / NOTES_TESTS
    generated = path.read_text()
    kept, _, _ = generated.partition("\n\ndef test_get_note_returns_ok")
    edited = (
        kept
        + "\n\n\ndef test_written_by_hand(client):\n    assert client.get('/').status_code == 404\n"
    )
    path.write_text(edited)

    result = run_init(notes_app, "--app", "notes_app", "--update", suffix="update")

    assert result.returncode == 0, result.stderr
    updated = path.read_text()
    assert updated.startswith(edited.rstrip("\n"))
    assert "def test_get_note_returns_ok(client, db_session):" in updated
    assert "def test_written_by_hand(client):" in updated
    assert updated.count("def test_create_note_returns_created(") == 1
    assert "dropped by verification: 0\n" in result.stdout


def test_update_adds_nothing_for_an_endpoint_a_test_of_the_users_requests(
    notes_app: Path,
) -> None:
    run_init(notes_app, "--app", "notes_app", "--no-verify", suffix="update_own")
    path = notes_app / NOTES_TESTS
    kept, _, _ = path.read_text().partition("\n\ndef test_get_note_returns_ok")
    own = (
        "def test_reading_a_note(client, db_session):\n"
        "    note = NoteFactory()\n\n"
        '    assert client.get(f"/notes/{note.id}").status_code == 200\n'
    )
    path.write_text(kept.rstrip("\n") + "\n\n\n" + own)
    before = path.read_text()

    result = run_init(
        notes_app, "--app", "notes_app", "--update", "--no-verify", suffix="update_own"
    )

    assert result.returncode == 0, result.stderr
    assert path.read_text() == before


def test_update_with_nothing_missing_changes_nothing(notes_app: Path) -> None:
    run_init(notes_app, "--app", "notes_app", "--no-verify", suffix="update_noop")
    before = {p: p.read_text() for p in (notes_app / "tests").rglob("*.py")}

    result = run_init(
        notes_app, "--app", "notes_app", "--update", "--no-verify", suffix="update_noop"
    )

    assert result.returncode == 0, result.stderr
    assert {p: p.read_text() for p in (notes_app / "tests").rglob("*.py")} == before


def test_flask_command_uses_the_app_given_to_flask(notes_app: Path) -> None:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "notes_app", "testkit", "init", "--dry-run", "--no-verify"],
        cwd=notes_app,
        capture_output=True,
        text=True,
        env=subprocess_env("flask_cmd"),
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "Endpoints: 3/4 with a happy path and an error case" in result.stdout
    assert not (notes_app / "tests").exists()


def test_run_runs_the_new_suite_with_its_endpoint_coverage_report(notes_app: Path) -> None:
    result = run_init(notes_app, "--app", "notes_app", "--run", "--no-verify", suffix="run")

    assert result.returncode == 0, result.stdout[-2000:]
    assert re.search(r"\n\$ \S*pytest tests/ --endpoint-coverage\n", result.stdout)
    assert " endpoint coverage " in result.stdout
    assert f"{NOTES_APP_TESTS} passed" in result.stdout


def test_dry_run_shows_changes_to_existing_files_as_a_diff(notes_app: Path) -> None:
    run_init(notes_app, "--app", "notes_app", "--no-verify", suffix="dry_run_diff")
    conftest = notes_app / "tests" / "conftest.py"
    conftest.write_text(conftest.read_text().replace("TESTING=True", "TESTING=False"))

    result = run_init(
        notes_app, "--app", "notes_app", "--dry-run", "--no-verify", suffix="dry_run_diff"
    )

    assert result.returncode == 0, result.stderr
    assert "--- a/tests/conftest.py\n+++ b/tests/conftest.py\n" in result.stdout
    assert "-    application.config.update(TESTING=False)\n" in result.stdout
    assert "+    application.config.update(TESTING=True)\n" in result.stdout
    assert "TESTING=False" in conftest.read_text()


SEED_DEVELOPMENT_DATABASE = """
from notes_app import Note, app, db
with app.app_context():
    db.create_all()
    db.session.add(Note(title="kept"))
    db.session.commit()
"""
READ_DEVELOPMENT_DATABASE = """
from notes_app import Note, app, db
with app.app_context():
    print(db.session.scalars(db.select(Note.title)).all())
"""


def test_generated_suite_leaves_the_apps_own_database_alone(notes_app: Path) -> None:
    env = subprocess_env("own_database")
    env.pop("TEST_DATABASE_URL", None)
    python = [sys.executable, "-c"]
    subprocess.run([*python, SEED_DEVELOPMENT_DATABASE], cwd=notes_app, env=env, check=True)
    run_init(notes_app, "--app", "notes_app", "--no-verify", suffix="own_database")

    suite = run_pytest(notes_app, "tests/", "-q", suffix="own_database", env=env)
    after = subprocess.run(
        [*python, READ_DEVELOPMENT_DATABASE],
        cwd=notes_app,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert suite.returncode == 0, suite.stdout[-2000:]
    assert after.stdout == "['kept']\n"


def test_suite_outside_the_app_folder_runs_from_where_init_ran(tmp_path: Path) -> None:
    copy_sample("module_app", tmp_path / "apps")
    init = run_init(
        tmp_path,
        "--app",
        "apps/module_app/notes_app.py",
        "--out",
        "build/notes-tests",
        suffix="outside",
    )

    suite = run_pytest(tmp_path, "build/notes-tests", "-q", suffix="outside")

    assert init.returncode == 0, init.stderr
    assert ends_with_run_command(init.stdout, "build/notes-tests/")
    assert suite.returncode == 0, suite.stdout[-2000:]
    assert f"{NOTES_APP_TESTS} passed" in suite.stdout
    assert list((tmp_path / "build").rglob("__init__.py")) == []
    # The conftest puts the app's folder on sys.path before importing it; ruff allows that.
    lint = ruff(tmp_path, "check", "--no-cache", "build/notes-tests")
    assert lint.returncode == 0, lint.stdout
