"""Helpers that generate suites for the sample apps and run ruff and pytest on them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

SAMPLE_APPS = Path(__file__).parent / "sample_apps"
BIN = Path(sys.executable).parent
_LOCAL_PYTEST_VARIABLES = ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_ADDOPTS")
# Plugins installed for other parts of the project; the generated suites do not use them, and
# loading them would triple every run's start-up time.
UNRELATED_PLUGINS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:anyio")


def subprocess_env(database_suffix: str) -> dict[str, str]:
    """The environment for a child process, with a database name of its own on PostgreSQL."""
    env = {k: v for k, v in os.environ.items() if k not in _LOCAL_PYTEST_VARIABLES}
    env.pop("PYTEST_CURRENT_TEST", None)
    url = env.get("TEST_DATABASE_URL")
    if url and not url.startswith("sqlite"):
        parsed = make_url(url)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"{parsed.database}_{database_suffix}_{worker}"
        env["TEST_DATABASE_URL"] = parsed.set(database=name).render_as_string(hide_password=False)
    return env


def copy_sample(name: str, destination: Path) -> Path:
    """A fresh copy of a sample app, so generation never touches the repository."""
    root = destination / name
    shutil.copytree(SAMPLE_APPS / name, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def run_init(root: Path, *args: str, suffix: str = "init") -> subprocess.CompletedProcess[str]:
    """`flask-testkit init ...` in root, as a user runs it."""
    env = subprocess_env(suffix)
    # The runs that verify the suite inherit this, as the runs of run_pytest pass it.
    env["PYTEST_ADDOPTS"] = " ".join(UNRELATED_PLUGINS)
    return subprocess.run(
        [str(BIN / "flask-testkit"), "init", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def run_pytest(
    root: Path, *args: str, suffix: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """pytest on a generated suite in root, in a child process, without unrelated plugins."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider", *UNRELATED_PLUGINS],
        cwd=root,
        capture_output=True,
        text=True,
        env=env if env is not None else subprocess_env(suffix),
        check=False,
        timeout=300,
    )


def ends_with_run_command(output: str, folder: str) -> bool:
    """True when init's summary ends with the pytest command for folder, pytest by any path."""
    return re.search(rf"Run it:\n  \S*pytest {re.escape(folder)}\Z", output.rstrip()) is not None


def ruff(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """ruff on the generated folder, with ruff's defaults (the sample apps have no config)."""
    return subprocess.run(
        [str(BIN / "ruff"), *args], cwd=root, capture_output=True, text=True, check=False
    )


@dataclass
class Run:
    """A finished command: its exit code and output."""

    returncode: int
    stdout: str
    stderr: str


@dataclass
class GeneratedSuite:
    """A sample app after `init`, and what pytest said about the suite it wrote."""

    root: Path
    init: Run
    tests: Run
    outcomes: dict[str, int]

    def read(self, relative: str) -> str:
        """A generated file's text."""
        return (self.root / relative).read_text()


def source_of_test(module: str, name: str) -> tuple[str, str]:
    """The decorators above a generated test, and the test itself (def line and body)."""
    before, found, after = module.partition(f"def {name}(")
    assert found, f"{name} is not in the module"
    return before.rsplit("\n\n\n", 1)[-1], found + after.split("\n\n\n")[0]


def outcome_counts(output: str) -> dict[str, int]:
    """pytest's final tally, e.g. {"passed": 12, "xfailed": 1}."""
    tallies = [
        line for line in output.splitlines() if re.search(r"\d+ (passed|failed|error)", line)
    ]
    tally = tallies[-1] if tallies else ""
    return {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", tally)}


def generate_and_run(name: str, spec: str, destination: Path) -> GeneratedSuite:
    """Copy a sample app, run init on it, then run the new suite as a user runs it."""
    destination.mkdir(parents=True, exist_ok=True)
    root = copy_sample(name, destination)
    init = run_init(root, "--app", spec, suffix=f"{name}_probe")
    tests = run_pytest(root, "tests/", "-q", suffix=name)
    return GeneratedSuite(
        root,
        Run(init.returncode, init.stdout, init.stderr),
        Run(tests.returncode, tests.stdout, tests.stderr),
        outcome_counts(tests.stdout),
    )


# The tests of module_app's suite, as pytest counts them: each method a rule refuses with 405 is
# a parametrized case of its own.
NOTES_APP_TESTS = 16

SAMPLES = {
    # name: (--app value, endpoints with a happy path and an error case, tests at least)
    "module_app": ("notes_app", "3/4", 12),
    "config_class_app": ("inventory:create_app()", "3/4", 14),
    "dict_factory_app": ("bookshelf", "3/5", 18),
    "login_forms_app": ("journal:create_app('testing')", "10/13", 32),
    "jwt_api_app": ("taskapi:create_app('testing')", "8/8", 30),
    "smorest_app": ("petstore:create_app('testing')", "5/5", 16),
    "no_db_app": ("calc", "3/6", 12),
    "basic_auth_app": ("ledger", "3/3", 10),
    "apiflask_app": ("libraryapi:create_app('testing')", "13/14", 48),
    "restx_app": ("musiccatalog:create_app('testing')", "11/12", 36),
    "plain_sqlalchemy_app": ("recipes:create_app()", "7/9", 24),
    "sessionmaker_app": ("shop:create_app()", "2/2", 7),
    "sqlite3_app": ("guestbook", "1/4", 8),
    "session_auth_app": ("notebook:create_app()", "5/7", 20),
    "constructor_app": ("stores:create_app()", "7/7", 20),
    "portable_app": ('workshop:create_app({"TESTING": True})', "6/8", 24),
    "lite_app": ('reading_list:create_app("testing")', "4/5", 14),
    "alchemical_app": ("pantry:create_app()", "3/4", 9),
    "token_basic_app": ("tokenapi:create_app('testing')", "4/4", 14),
    "short_columns_app": ("clubhouse:create_app('testing')", "3/5", 14),
    "stored_password_app": ("testdesk:create_app('testing')", "5/5", 18),
    "register_hash_app": ("bookmarks:create_app('testing')", "4/4", 14),
    "commands_app": ("almanac:create_app('testing')", "0/1", 12),
    "guest_forms_app": ("guestblog:create_app('testing')", "4/6", 18),
    "searched_app": ("boards:create_app('testing')", "4/5", 30),
    "two_sign_ins_app": ("diary:create_app('testing')", "5/6", 24),
}
_generated: dict[str, GeneratedSuite] = {}


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # pytest-xdist workers share the parent of their base temp folders; a plain run uses its own.
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def sample_suite(name: str, tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """The sample app's generated suite, made once per test run and shared by every test."""
    if name in _generated:
        return _generated[name]
    shared = _shared_folder(tmp_path_factory) / "generated-suites"
    shared.mkdir(exist_ok=True)
    result = shared / f"{name}.json"
    try:
        os.close(os.open(shared / f"{name}.lock", os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        suite = _wait_for(result)
    else:
        suite = generate_and_run(name, SAMPLES[name][0], shared / f"{name}-run")
        staged = result.with_suffix(".tmp")
        staged.write_text(json.dumps(asdict(suite), default=str))
        staged.replace(result)
    _generated[name] = suite
    return suite


def _wait_for(result: Path) -> GeneratedSuite:
    deadline = time.monotonic() + 600
    while not result.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no generated suite appeared at {result}")
        time.sleep(0.2)
    data = json.loads(result.read_text())
    return GeneratedSuite(
        Path(data["root"]),
        Run(**data["init"]),
        Run(**data["tests"]),
        data["outcomes"],
    )


def imported_factories(app: Flask, module: str, folder: Path) -> ModuleType:
    """The factories `init` writes for the models of a test module's own app, imported."""
    from flask_testkit.generator.planning.factory_specs import build_factory_specs
    from flask_testkit.generator.reading.app_loading import AppTarget
    from flask_testkit.generator.reading.models import scan_models
    from flask_testkit.generator.rendering.renderer import Renderer

    scan = scan_models(app, folder)
    assert scan is not None
    target = AppTarget(module, module, "create_app", is_factory=True)
    source = Renderer(target, "factories", scan).factories(build_factory_specs(scan, app))
    factories = ModuleType(f"{module}_factories")
    exec(source, factories.__dict__)
    return factories
