"""Per-test cost of flask-testkit's isolation against the usual alternatives, side by side.

Each simulated test does what a typical API test does: create a few rows through the session,
commit, then read them back through a request. Strategies run interleaved in rounds, in a new
random order each round, so that machine noise hits them all alike; each batch starts with one
untimed test. The table reports the median time per test.

    python benchmarks/isolation/bench_isolation.py [--rounds 7] [--tests 40] [--postgres URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from flask_testkit.app_database import isolated_app
from flask_testkit.database import create_database, drop_database

TABLES = 20
ORDER = ["no isolation", "flask-testkit", "delete rows", "TRUNCATE", "drop_all/create_all"]


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

    app.config["ONE_TEST"] = one_test
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

    chosen: dict[str, Callable[[], AbstractContextManager[None]]] = {
        "no isolation": nullcontext,
        "flask-testkit": lambda: isolated_app(app, db),
        "drop_all/create_all": recreate,
        "delete rows": delete_rows,
    }
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            chosen["TRUNCATE"] = truncate
    return chosen


def measure(url: str, rounds: int, tests: int) -> dict[str, float]:
    """Median milliseconds per test for each strategy on one database."""
    made = create_database(sa.make_url(url))
    app, db = build_app(url)
    one_test = app.config["ONE_TEST"]
    with app.app_context():
        db.create_all()
    timings: dict[str, list[float]] = {}
    chosen = strategies(app, db)
    try:
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
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        if made:
            drop_database(sa.make_url(url))
    return {name: statistics.median(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tests", type=int, default=40)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/flask_testkit_bench"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        databases = {
            "SQLite in memory": "sqlite://",
            "SQLite file": f"sqlite:///{Path(folder) / 'bench.db'}",
            "PostgreSQL": args.postgres,
        }
        results = {label: measure(url, args.rounds, args.tests) for label, url in databases.items()}
    seen = {name for result in results.values() for name in result}
    names = [name for name in ORDER if name in seen]
    print(f"Median ms per test ({args.rounds} rounds x {args.tests} tests, {TABLES} tables);")
    print("in brackets: the cost the strategy adds to a test with no isolation, in ms.\n")
    print("| strategy | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    for name in names:
        cells = []
        for result in results.values():
            if name not in result:
                cells.append("n/a")
                continue
            added = result[name] - result["no isolation"]
            cells.append(f"{result[name]:.2f} ({added:+.2f})")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
