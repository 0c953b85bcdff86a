"""The parts of verification: the shuffling plugin, leaving tests out, its databases, --update."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from generator_runs import BIN, UNRELATED_PLUGINS

from flask_testkit.generator.verifying import shuffle
from flask_testkit.generator.verifying.databases import verification_databases
from flask_testkit.generator.verifying.dropping import defined_tests, without_tests
from flask_testkit.generator.writing.updating import merge_file

OUTCOMES = """\
import pytest


@pytest.fixture
def broken():
    raise RuntimeError("fixture broke")


def test_passes():
    assert True


def test_fails():
    assert 1 == 2


def test_errors(broken):
    pass


@pytest.mark.xfail(raises=ZeroDivisionError, strict=True)
def test_xfails():
    1 / 0


@pytest.mark.xfail(strict=True)
def test_xpasses_strictly():
    pass


@pytest.mark.xfail(strict=False)
def test_xpasses():
    pass


def test_skips():
    pytest.skip("not here")


@pytest.mark.parametrize("n", range(8))
def test_many(n):
    pass
"""


def run_plugin(pytester: pytest.Pytester, seed: int, *args: str) -> dict[str, object]:
    outcomes = pytester.path / f"outcomes-{seed}.json"
    pytester.runpytest(
        *args,
        "-p",
        "no:randomly",
        "-p",
        shuffle.__name__,
        f"{shuffle.SEED_OPTION}={seed}",
        f"{shuffle.OUTCOMES_OPTION}={outcomes}",
    )
    data: dict[str, object] = json.loads(outcomes.read_text())
    return data


def test_the_plugin_records_each_outcome_with_its_first_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_outcomes=OUTCOMES)

    tests = run_plugin(pytester, 1)["tests"]

    assert isinstance(tests, dict)
    seen = {nodeid.split("::")[1]: (t["outcome"], t["message"]) for nodeid, t in tests.items()}
    assert seen["test_passes"] == ("passed", "")
    assert seen["test_fails"] == ("failed", "assert 1 == 2")
    assert seen["test_errors"] == ("error", "RuntimeError: fixture broke")
    assert seen["test_xfails"][0] == "xfailed"
    assert seen["test_xpasses_strictly"] == ("failed", "[XPASS(strict)]")
    assert seen["test_xpasses"][0] == "xpassed"
    assert seen["test_skips"] == ("skipped", "Skipped: not here")
    assert tests["test_outcomes.py::test_many[3]"]["function"] == "test_many"


def test_the_seed_gives_the_order(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_outcomes=OUTCOMES)

    first, again, other = (run_plugin(pytester, seed)["order"] for seed in (1, 1, 2))

    assert first == again
    assert first != other
    assert isinstance(first, list) and isinstance(other, list)
    assert sorted(first) == sorted(other)


def test_a_module_that_does_not_import_is_recorded(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_broken="import module_that_is_not_there\n")

    data = run_plugin(pytester, 1)

    assert data["collect_errors"] == [
        {
            "nodeid": "test_broken.py",
            "path": str(pytester.path / "test_broken.py"),
            "message": "ImportError while importing test module "
            f"'{pytester.path / 'test_broken.py'}'.",
        }
    ]


MODULE = '''\
"""Tests."""

import json

import pytest


def test_kept():
    assert True


# Why this one is a strict xfail.
@pytest.mark.xfail(raises=KeyError, strict=True)
def test_left_out():
    json.loads("{}")["x"]


class TestGroup:
    def test_one(self):
        pass

    def test_two(self):
        pass
'''


def test_a_test_is_left_out_with_its_decorators_and_comment() -> None:
    source = without_tests(MODULE, {(None, "test_left_out"), ("TestGroup", "test_one")})

    assert defined_tests(source) == {(None, "test_kept"), ("TestGroup", "test_two")}
    assert "xfail" not in source and "Why this one" not in source


def test_a_class_left_with_no_test_goes_too() -> None:
    source = without_tests(MODULE, {("TestGroup", "test_one"), ("TestGroup", "test_two")})

    assert "class TestGroup" not in source
    assert defined_tests(source) == {(None, "test_kept"), (None, "test_left_out")}


def test_postgresql_verification_gets_a_database_of_its_own(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/" + "a_long_database_name" * 3

    (sqlite, own), notes = verification_databases(url, tmp_path)

    assert sqlite.url == "sqlite://" and notes == []
    assert own.made is not None
    name = own.made.database or ""
    assert name.startswith("a_long_database_name" * 2) and "_verify_" in name
    assert len(name) <= 63 - len("_gw12")
    assert verification_databases(url, tmp_path)[0][1].url != own.url


def test_other_databases_are_named_in_a_note(tmp_path: Path) -> None:
    databases, notes = verification_databases("mysql://root@localhost/app", tmp_path)

    assert [database.label for database in databases] == ["SQLite"]
    assert notes == [
        "not verified on mysql://root@localhost/app: verification makes databases on SQLite "
        "and PostgreSQL only; the suite was verified on SQLite"
    ]


GENERATED = '''\
"""The library endpoints."""

from tests.factories import (
    AuthorFactory,
    BookFactory,
    LoanFactory,
    MemberFactory,
    ShelfFactory,
    TagFactory,
)


def test_one(client):
    assert AuthorFactory() and BookFactory() and LoanFactory()


def test_two(client):
    assert MemberFactory() and ShelfFactory() and TagFactory()
'''


def ruff_formatted(source: str) -> str:
    result = subprocess.run(
        [str(BIN / "ruff"), "format", "--isolated", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize(
    "existing",
    ['"""Mine."""\n', '"""Mine."""\n\n\ndef test_one(client):\n    pass\n'],
    ids=["docstring only", "one test of its own"],
)
def test_update_adds_imports_after_the_docstring_formatted(existing: str) -> None:
    merged = merge_file(existing, GENERATED)

    assert merged is not None
    assert merged.startswith('"""Mine."""\n\nfrom tests.factories import (\n')
    assert ruff_formatted(merged) == merged
    assert max(map(len, merged.splitlines())) <= 88


def test_update_fills_an_empty_file_as_init_writes_it() -> None:
    assert merge_file("", GENERATED) == GENERATED


def test_a_test_that_never_ran_is_not_clean(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_outcomes=OUTCOMES)
    pytester.makeini("[pytest]\naddopts = -x\n")

    stopped = run_plugin(pytester, 1)["tests"]
    every = run_plugin(pytester, 1, "--maxfail=0")["tests"]

    assert isinstance(stopped, dict) and isinstance(every, dict)
    assert "notrun" in {t["outcome"] for t in stopped.values()}
    assert "notrun" not in {t["outcome"] for t in every.values()}


def test_tests_that_only_workers_collected_are_recorded(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_outcomes=OUTCOMES)

    data = run_plugin_on_workers(pytester)

    assert isinstance(data["tests"], dict)
    assert data["tests"]["test_outcomes.py::test_fails"]["outcome"] == "failed"
    assert data["tests"]["test_outcomes.py::test_many[3]"]["function"] == "test_many"
    assert "notrun" not in {t["outcome"] for t in data["tests"].values()}


def run_plugin_on_workers(pytester: pytest.Pytester) -> dict[str, object]:
    outcomes = pytester.path / "outcomes-xdist.json"
    pytester.runpytest_subprocess(
        "-n",
        "2",
        *UNRELATED_PLUGINS,
        "-p",
        "no:randomly",
        "-p",
        shuffle.__name__,
        f"{shuffle.OUTCOMES_OPTION}={outcomes}",
    )
    data: dict[str, object] = json.loads(outcomes.read_text())
    return data
