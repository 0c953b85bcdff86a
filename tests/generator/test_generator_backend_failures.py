"""A test that fails only where the database refuses what the app does is kept as a strict xfail."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from generator_runs import SAMPLES, GeneratedSuite, sample_suite, source_of_test

from flask_testkit.generator.verifying.dropping import with_markers
from flask_testkit.generator.verifying.history import Seen, backend_failure

DATA_ERROR = ["sqlalchemy.exc.DataError", "sqlalchemy.exc.DBAPIError", "builtins.Exception"]
TOO_LONG = "(psycopg.errors.StringDataRightTruncation) value too long for type varchar(8)"
MARKER = "@pytest.mark.xfail(\"flask_db_backend=='postgresql'\",raises=DataError,strict=True"
ON_POSTGRESQL = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


def raised(in_request: bool, statement: str | None = None) -> dict[str, object]:
    return {"classes": DATA_ERROR, "in_request": in_request, "statement": statement}


def seen(outcome: str, backend: str, raised_: dict[str, object] | None = None) -> Seen:
    return Seen(outcome, TOO_LONG if outcome == "failed" else "", backend, raised_)


def test_a_database_error_in_a_request_on_one_backend_only_is_the_apps() -> None:
    runs = [seen("passed", "sqlite")] * 3 + [seen("failed", "postgresql", raised(True))] * 3
    assert backend_failure(runs, {}) == ("postgresql", "sqlalchemy.exc.DataError", TOO_LONG)


@pytest.mark.parametrize(
    "runs",
    [
        # Flaky where it fails: not the database's doing.
        [
            seen("passed", "sqlite"),
            seen("failed", "postgresql", raised(True)),
            seen("passed", "postgresql"),
        ],
        # Fails everywhere.
        [seen("failed", "sqlite", raised(True)), seen("failed", "postgresql", raised(True))],
        # An assertion, not a database error.
        [seen("passed", "sqlite"), seen("failed", "postgresql", None)],
        # Raised by the test's own setup, for a row the app's code does not make.
        [seen("passed", "sqlite"), seen("error", "postgresql", raised(False, "INSERT INTO tag"))],
        # Only one database ran.
        [seen("failed", "postgresql", raised(True))],
    ],
    ids=["flaky", "everywhere", "assertion", "own-setup", "one-database"],
)
def test_other_failures_are_not_blamed_on_the_app(runs: list[Seen]) -> None:
    assert backend_failure(runs, {"member": "Member.password_hash is too long"}) is None


def test_a_row_the_apps_own_code_makes_too_long_is_the_apps() -> None:
    insert = 'INSERT INTO "member" (username, password_hash) VALUES (%(username)s, ...)'
    runs = [seen("passed", "sqlite"), seen("error", "postgresql", raised(False, insert))]
    why = "Member.password_hash gets a value of 162 characters"
    assert backend_failure(runs, {"member": why}) == ("postgresql", "sqlalchemy.exc.DataError", why)


def test_markers_go_right_above_the_def_with_their_imports() -> None:
    source = (
        '"""Tests."""\n\nfrom app import thing\n\n\n@pytest.fixture\ndef helper():\n    pass\n\n\n'
        "@other\ndef test_one(client):\n    pass\n\n\nclass TestTwo:\n"
        "    def test_two(self):\n        pass\n"
    )
    marked = with_markers(
        source,
        {(None, "test_one"): "@mark_one", ("TestTwo", "test_two"): "@mark_two"},
        {("sqlalchemy.exc", "DataError")},
    )
    assert "@other\n@mark_one\ndef test_one" in marked
    assert "    @mark_two\n    def test_two" in marked
    assert "from app import thing\nimport pytest\nfrom sqlalchemy.exc import DataError\n" in marked
    compile(marked, "marked.py", "exec")


def test_verification_runs_record_what_a_request_raised(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from flask import Flask

        app = Flask(__name__)
        app.config["TESTING"] = True

        @app.get("/")
        def index():
            raise LookupError("from the view")

        def test_request():
            app.test_client().get("/")

        def test_body():
            raise LookupError("from the test")
        """
    )
    outcomes = pytester.path / "outcomes.json"
    pytester.runpytest_subprocess(
        "-p", "flask_testkit.generator.verifying.shuffle", "--testkit-outcomes", str(outcomes)
    )
    tests = {k.split("::")[-1]: v for k, v in json.loads(outcomes.read_text())["tests"].items()}
    assert tests["test_request"]["raised"]["in_request"] is True
    assert tests["test_body"]["raised"]["in_request"] is False
    classes = tests["test_body"]["raised"]["classes"]
    assert classes[:2] == ["builtins.LookupError", "builtins.Exception"]


@pytest.fixture(scope="module")
def clubhouse(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """A password hash and a derived code longer than their String(n) columns."""
    return sample_suite("short_columns_app", tmp_path_factory)


def test_the_suite_passes_with_nothing_dropped(clubhouse: GeneratedSuite) -> None:
    assert clubhouse.init.returncode == 0, clubhouse.init.stdout + clubhouse.init.stderr
    assert "dropped by verification: 0" in clubhouse.init.stdout
    assert clubhouse.tests.returncode == 0, clubhouse.tests.stdout
    assert clubhouse.outcomes.get("passed", 0) >= SAMPLES["short_columns_app"][2] - 5


def flat(source: str) -> str:
    """Source without whitespace, however the formatter wrapped a decorator."""
    return re.sub(r"\s+", "", source)


def read_tests(suite: GeneratedSuite) -> str:
    return "".join(path.read_text() for path in Path(suite.root, "tests").rglob("test_*.py"))


def test_tests_are_marked_only_on_the_database_where_the_app_fails(
    clubhouse: GeneratedSuite,
) -> None:
    summary = clubhouse.init.stdout
    if not ON_POSTGRESQL:
        # Verified on SQLite alone, where nothing fails.
        assert "def test_add_founder_command(" in read_tests(clubhouse)
        assert "flask_db_backend" not in read_tests(clubhouse)
        assert "fails on PostgreSQL only" not in summary
        return
    assert re.search(r"the app fails on PostgreSQL only, .*: [1-9]", summary)
    badges = clubhouse.read("tests/integration/test_badges_api.py")
    assert MARKER in flat(source_of_test(badges, "test_create_returns_created")[0])
    members = clubhouse.read("tests/integration/test_members_api.py")
    assert "Member.password_hash gets a value of" in members
    assert MARKER in flat(members)
    # It fails everywhere, so it has a strict xfail for every database; PostgreSQL's comes
    # right above the def, where pytest looks first.
    block = flat(source_of_test(members, "test_my_badge_does_not_fail")[0])
    assert "raises=AttributeError,strict=True" in block
    assert block.index(MARKER) > block.index("raises=AttributeError")
    # A command that stores the same hash raises the database's error in the test itself.
    commands = clubhouse.read("tests/integration/test_commands.py")
    assert MARKER in flat(source_of_test(commands, "test_add_founder_command")[0])
    assert clubhouse.outcomes.get("xfailed", 0) >= 3
