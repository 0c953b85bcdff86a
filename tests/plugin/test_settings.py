"""Where the app and database come from, and what the run header says about them."""

from __future__ import annotations

import pytest
from plugin_helpers import run_isolated_subprocess

TEST_USES_APP = """
def test_uses_the_app(app):
    assert app.name == "inner_app"
"""


def header(result: pytest.RunResult) -> list[str]:
    """The plugin's lines of the run header, printed before collection."""
    end = next(n for n, line in enumerate(result.outlines) if line.startswith("rootdir:"))
    return [line for line in result.outlines[:end] if line.startswith("flask-testkit:")]


def summary(result: pytest.RunResult) -> list[str]:
    """The plugin's lines at the end of the run: the app and database the tests got."""
    start = next(n for n, line in enumerate(result.outlines) if line.startswith("rootdir:"))
    return [line for line in result.outlines[start:] if line.startswith("flask-testkit:")]


def test_the_app_comes_from_the_ini_file(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nflask_app = inner_app:create_app()\n")
    project.makepyfile(TEST_USES_APP)
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    assert header(result) == [
        "flask-testkit: app inner_app:create_app() (from ini flask_app)",
        "flask-testkit: database sqlite:// (in memory); bind audit: sqlite:// (in memory)",
    ]
    assert summary(result) == [
        "flask-testkit: the tests got app 'inner_app' (the plugin's app fixture, from ini "
        "flask_app) on sqlite:// (in memory); bind audit: sqlite:// (in memory)"
    ]


def test_the_environment_overrides_the_ini_file(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.makeini("[pytest]\nflask_app = missing_module:create_app()\n")
    monkeypatch.setenv("FLASK_APP", "inner_app:create_app()")
    project.makepyfile(TEST_USES_APP)
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    assert header(result)[0] == "flask-testkit: app inner_app:create_app() (from FLASK_APP)"


def test_the_option_overrides_the_environment(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_APP", "missing_module:create_app()")
    project.makepyfile(TEST_USES_APP)
    result = project.runpytest_inprocess("--flask-app", "inner_app:create_app()")
    result.assert_outcomes(passed=1)
    assert header(result)[0] == "flask-testkit: app inner_app:create_app() (from --flask-app)"


def test_flask_discovery_finds_a_factory_without_a_name(project: pytest.Pytester) -> None:
    project.makepyfile(TEST_USES_APP)
    result = project.runpytest_inprocess("--flask-app", "inner_app")
    result.assert_outcomes(passed=1)


def test_the_database_setting_is_shown_with_its_source(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://alice:secret@db.example/app_test")
    project.makepyfile("def test_nothing():\n    assert True\n")
    result = project.runpytest_inprocess("--flask-app", "inner_app:create_app()")
    assert header(result)[1] == (
        "flask-testkit: database postgresql://alice:***@db.example/app_test "
        "(from TEST_DATABASE_URL)"
    )


def test_the_db_url_option_overrides_the_environment(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://localhost/from_env")
    project.makeini("[pytest]\nflask_db_url = sqlite:///from_ini.db\n")
    project.makepyfile("def test_nothing():\n    assert True\n")
    result = project.runpytest_inprocess("--db-url", "sqlite:///from_option.db")
    assert header(result) == [
        "flask-testkit: database sqlite:///from_option.db (from --db-url)",
    ]


def test_a_user_app_fixture_overrides_the_configured_app(project: pytest.Pytester) -> None:
    project.makeconftest(
        """
import pytest
from flask import Flask

@pytest.fixture(scope="session")
def app():
    return Flask("mine")
"""
    )
    project.makepyfile(
        """
def test_client_uses_my_app(client, app):
    assert app.name == "mine"
    assert client.get("/nothing").status_code == 404
"""
    )
    project.runpytest_inprocess("--flask-app", "inner_app:create_app()").assert_outcomes(passed=1)


def test_the_plugin_is_silent_when_nothing_is_configured(project: pytest.Pytester) -> None:
    project.makepyfile("def test_unrelated():\n    assert 1 + 1 == 2\n")
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    assert header(result) == []
    assert "flask-testkit:" not in result.stdout.str()


def test_fixtures_document_themselves(project: pytest.Pytester) -> None:
    result = project.runpytest_inprocess("--fixtures")
    result.stdout.fnmatch_lines(
        [
            "*-- fixtures defined from flask_testkit.fixtures --*",
            "app [[]session scope[]] -- *",
            "    The Flask app under test*",
            "client -- *",
            "    Flask's test client for the app.",
        ]
    )


def test_the_header_names_the_test_copy_of_the_configured_database(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = project.path / "dev.db"
    monkeypatch.setenv("INNER_APP_DB", f"sqlite:///{configured}")
    project.makeini("[pytest]\nflask_app = inner_app:create_app()\n")
    project.makepyfile(
        """
def test_runs_on_the_copy(app):
    from inner_app import db

    with app.app_context():
        assert db.engine.url.database.endswith("dev_test.db")
"""
    )
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    database = (
        f"sqlite:///{project.path / 'dev_test.db'} (a test copy of the configured "
        f"sqlite:///{configured}); bind audit: sqlite:// (in memory)"
    )
    assert header(result)[1] == f"flask-testkit: database {database}"
    assert summary(result) == [
        "flask-testkit: the tests got app 'inner_app' (the plugin's app fixture, from ini "
        f"flask_app) on {database}"
    ]
    assert not configured.exists()


def test_each_xdist_worker_reports_its_own_copy(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INNER_APP_DB", f"sqlite:///{project.path / 'dev.db'}")
    project.makeini("[pytest]\nflask_app = inner_app:create_app()\n")
    project.makepyfile(
        **{f"test_{n}": f"def test_{n}(app):\n    assert app.name\n" for n in "abcd"}
    )
    result = run_isolated_subprocess(project, "-n", "2", "--dist", "loadfile")
    result.assert_outcomes(passed=4)
    assert header(result)[1].endswith(", one copy per xdist worker (_gw0, _gw1, ...)")
    got = " ".join(summary(result))
    assert "dev_test_gw0.db" in got
    assert "dev_test_gw1.db" in got


@pytest.mark.parametrize("flask_app_from", ["environment", "conftest"])
def test_a_conftest_app_is_reported_not_the_flask_app_one(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flask_app_from: str
) -> None:
    # FLASK_APP names an app on another database (as a .env file loaded by conftest.py would).
    monkeypatch.setenv("INNER_APP_DB", f"sqlite:///{project.path / 'other.db'}")
    set_in_conftest = 'os.environ["FLASK_APP"] = "inner_app:create_app()"'
    # The conftest sets FLASK_APP in this process: monkeypatch puts it back as it was after.
    monkeypatch.setenv("FLASK_APP", "")
    monkeypatch.delenv("FLASK_APP")
    if flask_app_from == "environment":
        monkeypatch.setenv("FLASK_APP", "inner_app:create_app()")
        set_in_conftest = ""
    project.makeconftest(
        f"""
import os

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

{set_in_conftest}


@pytest.fixture(scope="session")
def app():
    app = Flask("mine")
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///{project.path / "mine.db"}"
    SQLAlchemy().init_app(app)
    return app
"""
    )
    project.makepyfile("def test_mine(app):\n    assert app.name == 'mine'\n")
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    assert header(result) == [
        "flask-testkit: app decided by conftest.py (an `app` fixture in conftest.py)",
        "flask-testkit: database decided by conftest.py",
    ]
    assert "other" not in result.stdout.str()
    assert summary(result) == [
        "flask-testkit: the tests got app 'mine' (decided by your own app fixture, in "
        "conftest.py) on "
        f"sqlite:///{project.path / 'mine.db'} (the app's configured database itself)"
    ]


def test_running_on_the_configured_database_needs_the_opt_in_and_warns(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = project.path / "dev.db"
    monkeypatch.setenv("INNER_APP_DB", f"sqlite:///{configured}")
    project.makeini(
        "[pytest]\nflask_app = inner_app:create_app()\nflask_db_use_configured = true\n"
    )
    project.makepyfile(
        f"""
def test_runs_on_the_configured_database(app):
    from inner_app import db

    with app.app_context():
        assert db.engine.url.database == "{configured}"
"""
    )
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    assert header(result)[1:] == [
        f"flask-testkit: database sqlite:///{configured} (the app's configured database itself); "
        "bind audit: sqlite:// (in memory)",
        "flask-testkit: WARNING: the tests run on the app's configured database itself "
        "(flask_db_use_configured = true); remove the key to run on a test copy.",
    ]


def test_the_summary_tells_a_url_set_for_the_run_from_a_test_copy(
    project: pytest.Pytester,
) -> None:
    project.makeini("[pytest]\nflask_app = inner_app:create_app()\n")
    project.makepyfile(TEST_USES_APP)
    chosen = project.path / "chosen.db"
    result = project.runpytest_inprocess("--db-url", f"sqlite:///{chosen}")
    result.assert_outcomes(passed=1)
    assert summary(result)[0].endswith(
        f"on sqlite:///{chosen} (set for the run, instead of the configured sqlite://); "
        f"bind audit: sqlite:///{project.path / 'chosen_audit.db'} (set for the run, instead of "
        "the configured sqlite://)"
    )


ON_POSTGRESQL_ONLY = """
import pytest


@pytest.mark.xfail("flask_db_backend == 'postgresql'", raises=ZeroDivisionError, strict=True)
def test_fails_on_postgresql_only():
    1 / 0


def test_sees_the_backend():
    pass
"""


@pytest.mark.parametrize(
    ("where", "url", "outcomes"),
    [
        ("option", "postgresql+psycopg://nobody@127.0.0.1/unused", {"xfailed": 1}),
        ("environment", "postgresql://nobody@127.0.0.1/unused", {"xfailed": 1}),
        ("ini", "postgresql+psycopg://nobody@127.0.0.1/unused", {"xfailed": 1}),
        ("option", "sqlite://", {"failed": 1}),
        ("nowhere", "", {"failed": 1}),
    ],
)
def test_conditions_name_the_backend_of_the_test_database(
    project: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    url: str,
    outcomes: dict[str, int],
) -> None:
    project.makepyfile(ON_POSTGRESQL_ONLY)
    args = []
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    if where == "option":
        args = ["--db-url", url]
    elif where == "environment":
        monkeypatch.setenv("TEST_DATABASE_URL", url)
    elif where == "ini":
        project.makeini(f"[pytest]\nflask_db_url = {url}\n")
    result = project.runpytest_inprocess(*args)
    result.assert_outcomes(passed=1, **outcomes)
