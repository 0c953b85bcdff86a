"""The app as the user runs it, built once: re-entrancy, testing config, debug mode, environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_runs import AppRun, init_and_run, init_sample, run_suite
from flask import Flask

from flask_testkit.generator.reading.builds import rebuild_differs
from flask_testkit.generator.reading.environment import conftest_environment
from flask_testkit.generator.reading.routes import development_pages, discover_endpoints
from flask_testkit.loading import load_app
from flask_testkit.settings import Setting

_DEBUG = {"FLASK_DEBUG": "1"}


@pytest.fixture(scope="module")
def first_import(tmp_path_factory: pytest.TempPathFactory) -> AppRun:
    """A factory whose routes attach to the first app built in the process only."""
    return init_and_run("first_import_app", "board:create_app()", tmp_path_factory.mktemp("a"))


@pytest.fixture(scope="module")
def debug_config(tmp_path_factory: pytest.TempPathFactory) -> AppRun:
    """A factory that defaults to its development config, with a page mounted only in debug.

    FLASK_DEBUG is exported for init and for the suite, as its .flaskenv does for `flask run`:
    it would turn debug mode on in the testing build too.
    """
    destination = tmp_path_factory.mktemp("b")
    root, init = init_sample("debug_config_app", "blog:create_app()", destination, _DEBUG)
    return AppRun(root, init, run_suite(root, "debug_config_app", extra=_DEBUG))


@pytest.fixture(scope="module")
def debug_module(tmp_path_factory: pytest.TempPathFactory) -> AppRun:
    """A module-level app that turns debug mode on and has no testing configuration."""
    return init_and_run("debug_module_app", "shelf", tmp_path_factory.mktemp("c"))


_ENV = {
    "APP_SECRET": "real-secret-9f8e7d6c",
    "DATABASE_URL": "postgresql+psycopg://owner:hunter2@db.example.com/production",
    "GREETING": "hello",
}


@pytest.fixture(scope="module")
def env_import(tmp_path_factory: pytest.TempPathFactory) -> AppRun:
    """An app that raises at import without APP_SECRET; init runs with it exported, tests not."""
    root, init = init_sample(
        "env_import_app", "greeter:create_app()", tmp_path_factory.mktemp("d"), _ENV
    )
    return AppRun(root, init, run_suite(root, "env_import_app", unset=tuple(_ENV)))


def _passes(run: AppRun) -> None:
    assert run.init.returncode == 0, run.init.stderr
    assert run.tests.returncode == 0, run.tests.stdout[-3000:]
    assert re.search(r"\d+ passed", run.tests.stdout)
    assert not re.search(r"\d+ (failed|error)", run.tests.stdout)
    assert run.ruff_problems() == ""


def _endpoint_lines(run: AppRun) -> list[str]:
    block = run.init.stdout.split("Endpoints:", 1)[1].split("\n\n", 1)[0]
    return [line for line in block.splitlines()[1:] if line.strip()]


def test_non_reentrant_factory_is_probed_with_the_one_app_it_builds(first_import: AppRun) -> None:
    _passes(first_import)
    lines = _endpoint_lines(first_import)
    assert len(lines) == 3
    assert all("happy" in line for line in lines), lines
    assert (
        "configuration: `board:create_app()` built once (a second build lacks"
        in first_import.init.stdout
    )
    source = first_import.read("tests/integration/test_board_api.py")
    assert "assert response.status_code == 201" in source
    assert '@pytest.fixture(scope="session")\ndef app():' in first_import.read("tests/conftest.py")


def test_factory_taking_a_config_name_is_probed_in_its_testing_config(debug_config: AppRun) -> None:
    _passes(debug_config)
    conftest = debug_config.read("tests/conftest.py")
    assert 'application = create_app("testing")' in conftest
    assert 'configuration: create_app("testing"), then TESTING=True\n' in debug_config.init.stdout


def test_the_shells_debug_switch_is_unset_by_the_conftest(debug_config: AppRun) -> None:
    conftest = debug_config.read("tests/conftest.py")
    assert conftest.index('os.environ.pop("FLASK_DEBUG", None)') < conftest.index("from blog")
    assert "unset by the conftest, as for the testing build: FLASK_DEBUG" in (
        debug_config.init.stdout
    )


def test_missing_form_field_in_a_debug_app_stays_a_400_expectation(debug_config: AppRun) -> None:
    assert "xfail" not in debug_config.init.stdout
    source = debug_config.read("tests/integration/test_posts_api.py")
    assert "xfail" not in source
    assert "assert response.status_code == 400" in source
    assert "assert response.status_code == 404" in source


def test_routes_of_the_development_build_only_are_left_out_and_named(debug_config: AppRun) -> None:
    assert "routes of the development build only, left out: GET /_dev/config" in (
        debug_config.init.stdout
    )
    written = "".join(p.read_text() for p in (debug_config.root / "tests").rglob("*.py"))
    assert "/_dev" not in written


def test_app_that_turns_debug_on_itself_is_tested_with_debug_off(debug_module: AppRun) -> None:
    _passes(debug_module)
    assert "application.config.update(TESTING=True, DEBUG=False)" in (
        debug_module.read("tests/conftest.py")
    )
    assert "xfail" not in debug_module.init.stdout
    source = debug_module.read("tests/integration/test_shelf_api.py")
    assert "assert response.status_code == 400" in source
    assert "assert response.status_code == 404" in source


def test_variables_read_at_import_are_set_by_the_conftest(env_import: AppRun) -> None:
    _passes(env_import)
    conftest = env_import.read("tests/conftest.py")
    assert 'os.environ.setdefault("APP_SECRET", ' in conftest
    assert 'os.environ.setdefault("DATABASE_URL", "sqlite://")' in conftest
    assert 'os.environ.setdefault("GREETING", "hello")' in conftest
    assert conftest.index("os.environ.setdefault") < conftest.index("from greeter import")
    assert (
        "set by the conftest before it imports the app: APP_SECRET (a test value), DATABASE_URL"
        in env_import.init.stdout
    )


def test_conftest_holds_no_real_secret_and_no_database_of_the_user(env_import: AppRun) -> None:
    written = "".join(p.read_text() for p in (env_import.root / "tests").rglob("*.py"))
    for value in ("real-secret-9f8e7d6c", "hunter2", "db.example.com", "production"):
        assert value not in written
    assert "real-secret" not in env_import.init.stdout


def test_app_that_needs_its_variable_fails_without_the_conftest(env_import: AppRun) -> None:
    # The variable really is needed: with the conftest's lines gone, the suite cannot import it.
    conftest = env_import.root / "tests" / "conftest.py"
    source = conftest.read_text()
    conftest.write_text(re.sub(r'os\.environ\.setdefault\("APP_SECRET".*\n', "", source))
    try:
        result = run_suite(env_import.root, "env_import_app", unset=tuple(_ENV))
    finally:
        conftest.write_text(source)
    assert result.returncode != 0
    assert "APP_SECRET" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value", "written", "why"),
    [
        ("API_TOKEN", "abc123", "test-api-token-not-a-real-secret", "a test value"),
        ("JWT_SECRET_KEY", "k", "test-jwt-secret-key-not-a-real-secret", "a test value"),
        ("DATABASE_URL", "postgresql://u:p@h/prod", "sqlite://", "in-memory SQLite"),
        ("SHOP_DB", "sqlite:////srv/shop.db", "sqlite://", "in-memory SQLite"),
        ("CACHE_URL", "redis://:pw@cache:6379/0", "redis://:test@cache:6379/0", "its password"),
        ("MODE", "demo", "demo", "the value it had"),
    ],
)
def test_conftest_values(name: str, value: str, written: str, why: str) -> None:
    (setting,) = conftest_environment({name: value})
    assert (setting.name, setting.value) == (name, written)
    assert setting.why.startswith(why)


def test_variables_of_flask_and_the_shell_are_not_repeated() -> None:
    reads = {"FLASK_DEBUG": "1", "HOME": "/root", "TEST_DATABASE_URL": "sqlite://", "X": "1"}
    assert [setting.name for setting in conftest_environment(reads)] == ["X"]


def test_pages_of_a_debug_toolbar_get_no_tests_and_are_named() -> None:
    app = Flask(__name__)

    def toolbar_page() -> str:
        return "toolbar"

    toolbar_page.__module__ = "flask_debugtoolbar.views"  # as Flask-DebugToolbar's own views are
    app.add_url_rule("/_debug_toolbar/views/<key>", "_debug_toolbar.view", toolbar_page)
    app.add_url_rule("/items", "items", lambda: "items")

    assert [endpoint.rule for endpoint in discover_endpoints(app)] == ["/items"]
    assert development_pages(app) == ["/_debug_toolbar/views/<key>"]


EXTENSION_ON_FIRST_BUILD = """\
from flask import Flask

_built = []


def create_app():
    app = Flask(__name__)
    if not _built:
        app.extensions["mailer"] = object()
    _built.append(app)
    return app
"""
REENTRANT = """\
from flask import Flask


def create_app():
    app = Flask(__name__)
    app.extensions["mailer"] = object()
    app.add_url_rule("/", "home", lambda: "home")
    return app
"""


def _second_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, source: str
) -> str | None:
    (tmp_path / f"{module}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = f"{module}:create_app()"
    return rebuild_differs(spec, load_app(Setting(spec, "--app")))


def test_extension_set_up_on_the_first_build_only_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _second_build(tmp_path, monkeypatch, "builds_extension_once", EXTENSION_ON_FIRST_BUILD)
    assert found == "a second build lacks the extensions mailer, set up on first import"


def test_reentrant_factory_builds_the_same_app_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _second_build(tmp_path, monkeypatch, "builds_reentrant", REENTRANT) is None
