"""Per-test cost of flask-testkit's isolation against the usual alternatives, side by side.

Each simulated test does what a typical API test does: create a few rows through the session,
commit, then read them back through a request. Strategies run interleaved in rounds, in a new
random order each round, so that machine noise hits them all alike; each batch starts with one
untimed test. The table reports the median time per test.

A second table times a test that uses the app but no database (one request to a view that does
not query), to show the fixed cost of isolation: the plugin now, which takes the connection on
first use, against the plugin at --baseline (read from git), which took it up front.

    python benchmarks/isolation/bench_isolation.py [--rounds 7] [--tests 40] [--postgres URL]
        [--baseline REV]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from flask_testkit import app_database
from flask_testkit.app_database import app_engines, isolated_app
from flask_testkit.database import create_database, drop_database
from flask_testkit.isolation import isolated_engines

TABLES = 20
ORDER = [
    "no isolation",
    "flask-testkit, pinned up front (baseline)",
    "flask-testkit",
    "flask-testkit, transaction=True",
    "delete rows",
    "TRUNCATE",
    "drop_all/create_all",
]
BASELINE = "flask-testkit, pinned up front (baseline)"
NO_DATABASE = ["no isolation", BASELINE, "flask-testkit"]
REPO = Path(__file__).resolve().parents[2]


def baseline_isolation(revision: str) -> Any:
    """The isolation module as it was at `revision`, loaded beside today's."""
    source = subprocess.run(
        ["git", "show", f"{revision}:src/flask_testkit/isolation.py"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    spec = importlib.util.spec_from_loader("baseline_isolation", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    exec(compile(source, f"{revision}:isolation.py", "exec"), module.__dict__)
    return module


def build_app(url: str) -> tuple[Flask, SQLAlchemy]:
    """An app with a 20-table schema, each table pointing at the one before it."""
    db = SQLAlchemy()
    models = []
    for n in range(TABLES):
        columns = {
            "__tablename__": f"table_{n:02d}",
            "id": sa.Column(sa.Integer, primary_key=True),
            "name": sa.Column(sa.String(80), nullable=False),
            "score": sa.Column(sa.Integer, default=0),
        }
        if n:
            columns["parent_id"] = sa.Column(sa.ForeignKey(f"table_{n - 1:02d}.id"))
        models.append(type(f"Model{n:02d}", (db.Model,), columns))
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(app)
    first, second = models[0], models[1]

    @app.get("/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/count")
    def count() -> dict[str, int]:
        return {"count": db.session.scalar(sa.select(sa.func.count()).select_from(second)) or 0}

    def one_test() -> None:
        with app.app_context():
            parent = first(name="parent")
            db.session.add(parent)
            db.session.flush()
            db.session.add_all(second(name=f"child {i}", parent_id=parent.id) for i in range(3))
            db.session.commit()
        assert app.test_client().get("/count").status_code == 200

    def no_database_test() -> None:
        assert app.test_client().get("/ping").status_code == 200

    app.config["ONE_TEST"] = one_test
    app.config["NO_DATABASE_TEST"] = no_database_test
    return app, db


def strategies(app: Flask, db: SQLAlchemy) -> dict[str, Callable[[], AbstractContextManager[None]]]:
    """Context managers that wrap one test, keyed by name."""

    @contextmanager
    def recreate() -> Iterator[None]:
        yield
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.create_all()

    @contextmanager
    def delete_rows() -> Iterator[None]:
        yield
        with app.app_context(), db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())

    @contextmanager
    def truncate() -> Iterator[None]:
        yield
        names = ", ".join(t.name for t in db.metadata.sorted_tables)
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))

    @contextmanager
    def committed() -> Iterator[None]:
        with isolated_engines(app_engines(app, db).values(), transaction=True):
            yield

    chosen: dict[str, Callable[[], AbstractContextManager[None]]] = {
        "no isolation": nullcontext,
        "flask-testkit": lambda: isolated_app(app, db),
        "flask-testkit, transaction=True": committed,
        "drop_all/create_all": recreate,
        "delete rows": delete_rows,
    }
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            chosen["TRUNCATE"] = truncate
    return chosen


def no_database_strategies(
    app: Flask, db: SQLAlchemy, baseline: Any
) -> dict[str, Callable[[], AbstractContextManager[None]]]:
    """The isolation now and at the baseline, around a test that never queries."""

    @contextmanager
    def at_baseline() -> Iterator[None]:
        # The same fixture code around it, with the isolation of the baseline revision inside.
        today = app_database.isolated_engines
        app_database.isolated_engines = baseline.isolated_engines
        try:
            with isolated_app(app, db):
                yield
        finally:
            app_database.isolated_engines = today

    return {
        "no isolation": nullcontext,
        BASELINE: at_baseline,
        "flask-testkit": lambda: isolated_app(app, db),
    }


def measure(
    url: str, rounds: int, tests: int, baseline: Any
) -> tuple[dict[str, float], dict[str, float]]:
    """Median milliseconds per test for each strategy on one database, with and without queries."""
    made = create_database(sa.make_url(url))
    app, db = build_app(url)
    with app.app_context():
        db.create_all()
    try:
        without = no_database_strategies(app, db, baseline)
        chosen = {**strategies(app, db), BASELINE: without[BASELINE]}
        with_queries = _timed(chosen, app.config["ONE_TEST"], rounds, tests)
        no_queries = _timed(without, app.config["NO_DATABASE_TEST"], rounds, tests)
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        if made:
            drop_database(sa.make_url(url))
    return with_queries, no_queries


def _timed(
    chosen: dict[str, Callable[[], AbstractContextManager[None]]],
    one_test: Callable[[], None],
    rounds: int,
    tests: int,
) -> dict[str, float]:
    timings: dict[str, list[float]] = {}
    for _ in range(rounds):
        order = list(chosen.items())
        random.shuffle(order)
        for name, wrap in order:
            # One untimed test first: the strategy that ran before may have left cold caches
            # (dropped tables invalidate prepared statements), which is not this one's cost.
            with wrap():
                one_test()
            start = time.perf_counter()
            for _ in range(tests):
                with wrap():
                    one_test()
            timings.setdefault(name, []).append((time.perf_counter() - start) / tests * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tests", type=int, default=40)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/flask_testkit_bench"
    )
    parser.add_argument(
        "--baseline",
        default="fd93459",
        help="git revision whose isolation (connection pinned up front) the no-database table "
        "compares against",
    )
    args = parser.parse_args()
    baseline = baseline_isolation(args.baseline)
    with tempfile.TemporaryDirectory() as folder:
        databases = {
            "SQLite in memory": "sqlite://",
            "SQLite file": f"sqlite:///{Path(folder) / 'bench.db'}",
            "PostgreSQL": args.postgres,
        }
        results = {
            label: measure(url, args.rounds, args.tests, baseline)
            for label, url in databases.items()
        }
    print(f"Median ms per test ({args.rounds} rounds x {args.tests} tests, {TABLES} tables);")
    print("in brackets: the cost the strategy adds to a test with no isolation, in ms.\n")
    _table({label: pair[0] for label, pair in results.items()}, ORDER)
    print(f"\nA test that uses the app but no database (baseline: {args.baseline}):\n")
    _table({label: pair[1] for label, pair in results.items()}, NO_DATABASE)


def _table(results: dict[str, dict[str, float]], order: list[str]) -> None:
    seen = {name for result in results.values() for name in result}
    print("| strategy | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    for name in [name for name in order if name in seen]:
        cells = []
        for result in results.values():
            if name not in result:
                cells.append("n/a")
                continue
            added = result[name] - result["no isolation"]
            precision = 3 if order is NO_DATABASE else 2
            cells.append(f"{result[name]:.{precision}f} ({added:+.{precision}f})")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
