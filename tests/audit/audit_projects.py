"""Tiny Flask + Flask-SQLAlchemy projects with suites that break or keep the guide's rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

SHOP = """
from flask import Flask, abort, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
CACHE = {}


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    created_at = db.Column(db.DateTime, server_default=db.func.now())


def _slug(name):
    return name.strip().lower()


def item_name(name):
    return _slug(name)


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)

    @app.get("/items/<int:item_id>")
    def get_item(item_id):
        item = db.session.get(Item, item_id) or abort(404)
        return {"id": item.id, "name": item.name}

    @app.post("/items")
    def create_item():
        name = (request.get_json(silent=True) or {}).get("name")
        if not name:
            abort(422)
        item = Item(name=item_name(name))
        db.session.add(item)
        db.session.commit()
        return {"id": item.id, "name": item.name}, 201

    @app.get("/health")
    def health():
        return {"ok": True}

    return app
"""

# The guide's conftest, with each test's rows deleted after it.
CONFTEST = """
import pytest

from shop import create_app, db


@pytest.fixture(scope="session")
def app():
    app = create_app()
    with app.app_context():
        db.create_all()
        yield app
        db.drop_all()


@pytest.fixture
def db_session(app):
    yield db.session
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def client(app, db_session):
    return app.test_client()
"""

PYTEST_INI = """
[pytest]
filterwarnings = error
"""


def write_project(root: Path, files: dict[str, str | None]) -> Path:
    """The shop app, the guide's conftest and pytest.ini, then the given files over them.

    A file given as None is left out, base files included.
    """
    base = {"shop/__init__.py": SHOP, "tests/conftest.py": CONFTEST, "pytest.ini": PYTEST_INI}
    for name, text in {**base, **files}.items():
        if text is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


BIN = Path(sys.executable).parent
# Plugins installed for other parts of the project; loading them triples a run's start-up time.
UNRELATED_PLUGINS = "-p no:schemathesis -p no:hypothesispytest -p no:anyio"


def run_audit(
    root: Path, *args: str, app: str = "shop:create_app()", addopts: str = UNRELATED_PLUGINS
) -> subprocess.CompletedProcess[str]:
    """`flask-testkit audit` in the project's folder, in a child process, on SQLite."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("TEST_DATABASE_URL", None)
    env["FLASK_TESTKIT_PROGRESS"] = "0"
    env["PYTEST_ADDOPTS"] = addopts
    command = [str(BIN / "flask-testkit"), "audit", *(["--app", app] if app else []), *args]
    return subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=600
    )


def audit_json(root: Path, *args: str, **options: str) -> dict[str, Any]:
    """The audit's JSON (`--json -`), after checking that it exited without an input error."""
    result = run_audit(root, "--json", "-", *args, **options)
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def places(data: dict[str, Any], rule: str | None = None) -> set[tuple[str, str, int | None]]:
    """(rule, path, line) of each finding, of one rule or all."""
    return {
        (f["rule"], f["path"], f["line"])
        for f in data["findings"]
        if rule is None or f["rule"] == rule
    }


def line_of(root: Path, path: str, text: str) -> int:
    """The first line of a file of the project that holds text."""
    for number, line in enumerate((root / path).read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {path}")


def order_suite(
    files: int,
    per_file: int,
    polluter: tuple[int, int],
    victim: tuple[int, int],
    victim_needs_it: bool = False,
) -> dict[str, str]:
    """files x per_file independent tests, one of which leaves a flag that another checks.

    The victim fails when the polluter ran before it, or, with victim_needs_it, passes only
    then. Files and tests are numbered from 0; the polluter comes first in the suite's own order.
    """
    suite: dict[str, str] = {"tests/unit/test_names.py": "def test_nothing():\n    pass\n"}
    for number in range(files):
        lines = ["import shop", ""]
        for index in range(per_file):
            lines += ["", f"def test_{number:02d}_{index:02d}():"]
            if (number, index) == polluter:
                lines.append('    shop.CACHE["flag"] = True')
            elif (number, index) == victim:
                check = "in" if victim_needs_it else "not in"
                lines.append(f'    assert "flag" {check} shop.CACHE')
            else:
                lines.append(f"    assert {index} + 1 == {index + 1}")
            lines.append("")
        suite[f"tests/integration/test_part_{number:02d}.py"] = "\n".join(lines)
    return suite
