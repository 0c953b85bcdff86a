"""init runs the rendered suite before writing it, and writes only the tests that pass every run."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from generator_runs import (
    NOTES_APP_TESTS,
    UNRELATED_PLUGINS,
    copy_sample,
    ruff,
    run_init,
    run_pytest,
    subprocess_env,
)
from sqlalchemy.engine import make_url

from flask_testkit.cli import main
from flask_testkit.generator import pipeline
from flask_testkit.generator.verifying import shuffle

NOTES_TESTS = "tests/integration/test_notes_app_api.py"
# What a rendering bug looks like once it reaches a module: a wrong expectation, with an import
# that only it uses.
BROKEN_TEST = """

def test_rendering_bug(client):
    assert client.get("/notes").status_code == json.loads("418")
"""

# And one whose module does not import.
NOT_IMPORTING = "import module_that_was_never_written\n\n\ndef test_never_collected():\n    pass\n"


@pytest.fixture
def notes_app(tmp_path: Path) -> Path:
    """A fresh copy of the module-level sample app."""
    return copy_sample("module_app", tmp_path)


def init_with_a_rendering_bug(
    root: Path, monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str]:
    """init, in this process, with a renderer that adds a failing test to every module."""
    real = pipeline.integration_files

    def with_bug(*arguments: object, **keywords: object) -> dict[Path, str]:
        files = real(*arguments, **keywords)  # type: ignore[arg-type]
        broken = {next(iter(files)).with_name("test_broken_api.py"): NOT_IMPORTING}
        return {**{path: _with_bug(source) for path, source in files.items()}, **broken}

    monkeypatch.setattr(pipeline, "integration_files", with_bug)
    for name, value in subprocess_env("bug").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PYTEST_ADDOPTS", " ".join(UNRELATED_PLUGINS))
    monkeypatch.chdir(root)
    monkeypatch.syspath_prepend(str(root))
    result = CliRunner().invoke(main, ["init", "--app", "notes_app", *args])
    sys.modules.pop("notes_app", None)
    return result.exit_code, result.output


def _with_bug(source: str) -> str:
    docstring, rest = source.split("\n", 1)
    return f"{docstring}\n\nimport json\n{rest}{BROKEN_TEST}"


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file under root, by its path, with a hash of its bytes."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_rendering_bug_is_left_out_and_named(
    notes_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = init_with_a_rendering_bug(notes_app, monkeypatch)

    assert code == 0, output
    assert "dropped by verification: 2\n" in output
    broken = notes_app / "tests" / "integration" / "test_broken_api.py"
    assert (
        "  dropped tests/integration/test_broken_api.py::test_never_collected (failed in 1 of 1 "
        f"runs): ImportError while importing test module '{broken}'.\n" in output
    )
    assert not broken.exists()
    # Twice per database, then once more on its own: it failed every time.
    dropped = re.escape(f"  dropped {NOTES_TESTS}::test_rendering_bug ")
    failure = re.escape(": AssertionError: assert 200 == 418\n")
    assert re.search(dropped + r"\(failed in (\d+) of \1 runs\)" + failure, output), output
    written = (notes_app / NOTES_TESTS).read_text()
    assert "test_rendering_bug" not in written
    assert "import json" not in written
    suite = run_pytest(notes_app, "tests/", "-q", suffix="bug_written")
    assert suite.returncode == 0, suite.stdout[-2000:]
    assert f"{NOTES_APP_TESTS} passed" in suite.stdout
    assert ruff(notes_app, "check", "--no-cache", "tests").returncode == 0
    assert ruff(notes_app, "format", "--check", "--no-cache", "tests").returncode == 0


def test_no_verify_writes_every_rendered_test_and_says_so(
    notes_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = init_with_a_rendering_bug(notes_app, monkeypatch, "--no-verify")

    assert code == 0, output
    assert "not verified: --no-verify wrote the tests without running them first" in output
    assert "def test_rendering_bug(client):" in (notes_app / NOTES_TESTS).read_text()


def run_order(root: Path, seed: int, name: str) -> list[str]:
    """The order the verification plugin gives the written suite with this seed."""
    outcomes = root.parent / f"{name}.json"
    run_pytest(
        root,
        "tests/",
        "-p",
        "no:randomly",
        "-p",
        shuffle.__name__,
        f"{shuffle.SEED_OPTION}={seed}",
        f"{shuffle.OUTCOMES_OPTION}={outcomes}",
        suffix=name,
    )
    order: list[str] = json.loads(outcomes.read_text())["order"]
    return order


def test_the_two_runs_have_printed_seeds_and_different_orders(notes_app: Path) -> None:
    result = run_init(notes_app, "--app", "notes_app", suffix="seeds")

    assert result.returncode == 0, result.stderr
    found = re.search(r"random order \(seeds (\d+) and (\d+)\) on SQLite\b.*:\n", result.stdout)
    assert found, result.stdout
    first, second = int(found[1]), int(found[2])
    assert first != second
    orders = [run_order(notes_app, seed, f"order{n}") for n, seed in enumerate([first, second])]
    assert sorted(orders[0]) == sorted(orders[1]) and len(orders[0]) == NOTES_APP_TESTS
    assert orders[0] != orders[1]
    assert run_order(notes_app, first, "order_again") == orders[0]
    repeat = f"pytest tests/ -p {shuffle.__name__} {shuffle.SEED_OPTION} {first}"
    assert repeat in result.stdout


def test_verification_leaves_the_users_tree_as_it_was(notes_app: Path) -> None:
    (notes_app / "instance").mkdir()
    (notes_app / "instance" / "settings.cfg").write_text("SECRET = 'kept'\n")
    before = tree_hashes(notes_app)

    result = run_init(notes_app, "--app", "notes_app", "--dry-run", suffix="tree")

    assert result.returncode == 0, result.stderr
    assert "dropped by verification: 0\n" in result.stdout
    assert "+def test_get_note_returns_ok(client, db_session):\n" in result.stdout
    assert tree_hashes(notes_app) == before


def _named_database(tmp_path: Path) -> str:
    """The run's PostgreSQL database, under a name of this test's, or an SQLite file."""
    env = subprocess_env("named")
    url = env.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return url
    return f"sqlite:///{tmp_path / 'named.db'}"


def _databases_like(url: str, prefix: str) -> list[str]:
    engine = sa.create_engine(make_url(url).set(database="postgres"))
    try:
        with engine.connect() as connection:
            names = connection.scalars(sa.text("SELECT datname FROM pg_database")).all()
    finally:
        engine.dispose()
    return [name for name in names if name.startswith(prefix)]


def test_verification_also_runs_on_the_named_database_and_drops_what_it_made(
    notes_app: Path, tmp_path: Path
) -> None:
    url = _named_database(tmp_path)

    result = run_init(notes_app, "--app", "notes_app", "--db-url", url, suffix="named")

    assert result.returncode == 0, result.stderr
    assert "dropped by verification: 0\n" in result.stdout
    if url.startswith("postgresql"):
        parsed = make_url(url)
        shown = re.search(r"on SQLite, then in the second order on (\S+):\n", result.stdout)
        assert shown, result.stdout
        made = make_url(shown[1]).database or ""
        assert made.startswith(f"{parsed.database}_verify_")
        assert _databases_like(url, made) == []
    else:
        assert "then in the second order on SQLite file (sqlite:///" in result.stdout
        # Verification ran on a file of its own: the named one was never made.
        assert not (tmp_path / "named.db").exists()


def test_update_writes_a_new_module_as_init_writes_it(notes_app: Path) -> None:
    run_init(notes_app, "--app", "notes_app", "--no-verify", suffix="update_format")
    path = notes_app / NOTES_TESTS
    by_init = path.read_text()
    docstring = by_init.split("\n", 1)[0] + "\n"

    for kept in ("", docstring):
        path.write_text(kept)
        result = run_init(notes_app, "--app", "notes_app", "--update", suffix="update_format")

        assert result.returncode == 0, result.stderr
        assert "dropped by verification: 0\n" in result.stdout
        assert path.read_text() == by_init


def test_update_is_verified_and_keeps_the_users_failing_test(notes_app: Path) -> None:
    run_init(notes_app, "--app", "notes_app", "--no-verify", suffix="update_own_fail")
    path = notes_app / NOTES_TESTS
    kept, _, _ = path.read_text().partition("\n\ndef test_get_note_returns_ok")
    mine = "def test_mine_fails(client):\n    assert client.get('/notes').status_code == 500\n"
    path.write_text(kept.rstrip("\n") + "\n\n\n" + mine)

    result = run_init(notes_app, "--app", "notes_app", "--update", suffix="update_own_fail")

    assert result.returncode == 0, result.stderr
    assert "dropped by verification: 0\n" in result.stdout
    assert "your own test failed in verification (left as it is): " in result.stdout
    assert f"(left as it is): {NOTES_TESTS}::test_mine_fails\n" in result.stdout
    updated = path.read_text()
    assert "def test_mine_fails(client):" in updated
    assert "def test_get_note_returns_ok(client, db_session):" in updated
