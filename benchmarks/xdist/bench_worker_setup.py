"""The setup of an xdist run's databases: one template copied per worker, against a build each.

Each run is a pytest run of the reference app (`examples/userapi`, `app:create_app("testing")`)
with `--db-migrations` and `-n 2` or `-n 4`, on PostgreSQL or on an SQLite file. Its one test
uses `db_session` and does nothing, and `--dist each` gives it to every worker, so that each
worker sets up its database once. "per-worker build" is the path before templates
(FLASK_TESTKIT_DB_TEMPLATE=0): each worker runs the migrations in its own database. userapi has
one migration; the same app with --extra-migrations generated ones after it (a table of five
columns, an index and a foreign key each) stands for an app with a longer history.

The number is the setup of the slowest worker's test (pytest's --durations): the app's factory
and its database, that is the migrations, or the wait for the template and the copy. A conftest
imports the app and Alembic before the tests, so that imports on the loaded workers are not
counted. The wall time of the whole pytest command is shown beside it. The cells run
interleaved, in a new random order each round; the table shows the median over the rounds.

    python benchmarks/xdist/bench_worker_setup.py [--rounds 7] [--extra-migrations 40]
        [--postgres URL]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_xdist_setup"
USERAPI_MIGRATIONS = Path(__file__).resolve().parents[2] / "examples/userapi/migrations"
USERAPI_HEAD = "e08520e99146"
TEST = """
def test_the_worker_has_its_database(db_session):
    pass
"""
CONFTEST = """
import alembic.command
import alembic.runtime.migration
import flask_migrate
import psycopg
import sqlalchemy.dialects.postgresql.psycopg

import app
"""
# userapi, with its migrations taken from another folder.
LONGER_HISTORY_APP = """
import os

from app import create_app as create_userapi


def create_app():
    app = create_userapi("testing")
    # Flask-Migrate reads the folder from the Migrate object, the fingerprint from the config.
    app.extensions["migrate"].directory = os.environ["BENCH_MIGRATIONS"]
    app.extensions["migrate"].migrate.directory = os.environ["BENCH_MIGRATIONS"]
    return app
"""
MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"


def upgrade():
    op.create_table(
        "extra_{n:03d}",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("score", sa.Integer, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_extra_{n:03d}_name", "extra_{n:03d}", ["name"])


def downgrade():
    op.drop_table("extra_{n:03d}")
"""
SETUP = re.compile(r"^([\d.]+)s setup\s+test_setup\.py::", re.MULTILINE)
PATHS = {"template": {}, "per-worker build": {"FLASK_TESTKIT_DB_TEMPLATE": "0"}}


def longer_history(project: Path, extra: int) -> Path:
    """userapi's migrations folder with `extra` more revisions after its own."""
    folder = project / "migrations"
    shutil.copytree(USERAPI_MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    down = USERAPI_HEAD
    for n in range(1, extra + 1):
        revision = f"extra{n:03d}"
        source = MIGRATION.format(revision=revision, down=down, n=n)
        (folder / "versions" / f"{revision}_table.py").write_text(source)
        down = revision
    return folder


def run_once(
    project: Path, url: str, workers: int, app: str, env: dict[str, str]
) -> tuple[float, float]:
    """One pytest run; its wall time and the slowest worker's setup, in seconds."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--flask-app",
        app,
        "-q",
        "-p",
        "no:cacheprovider",
        # Only the plugins the run needs: the others would add the same start-up time to both.
        "-p",
        "xdist",
        "-p",
        "flask_testkit.plugin",
        f"-n{workers}",
        "--dist",
        "each",
        "--db-migrations",
        "--durations=0",
        "--durations-min=0",
    ]
    full_env = {
        **os.environ,
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "TEST_DATABASE_URL": url,
        **env,
    }
    started = time.perf_counter()
    result = subprocess.run(command, cwd=project, env=full_env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    setups = [float(found) for found in SETUP.findall(result.stdout)]
    if result.returncode != 0 or len(setups) != workers:
        sys.exit(f"The run failed; run it by hand in {project}:\n{result.stdout[-3000:]}")
    return wall, max(setups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--extra-migrations", type=int, default=40)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-xdist-") as folder:
        project = Path(folder)
        (project / "pytest.ini").write_text("[pytest]\n")  # the project's own root
        (project / "test_setup.py").write_text(TEST)
        (project / "conftest.py").write_text(CONFTEST)
        (project / "longer_history.py").write_text(LONGER_HISTORY_APP)
        os.environ["BENCH_MIGRATIONS"] = str(longer_history(project, args.extra_migrations))
        databases = {"PostgreSQL": args.postgres, "SQLite file": f"sqlite:///{project}/bench.db"}
        apps = {
            "userapi (1 migration)": 'app:create_app("testing")',
            f"userapi + {args.extra_migrations} migrations": "longer_history:create_app()",
        }
        cells = list(itertools.product(databases, apps, (2, 4), PATHS))
        times: dict[tuple[str, str, int, str], list[tuple[float, float]]] = {c: [] for c in cells}

        def run(cell: tuple[str, str, int, str]) -> tuple[float, float]:
            database, app, workers, path = cell
            return run_once(project, databases[database], workers, apps[app], PATHS[path])

        for cell in cells:  # untimed: imports cached, the server's files warm
            run(cell)
        for number in range(args.rounds):
            for cell in random.sample(cells, len(cells)):
                times[cell].append(run(cell))
            print(f"round {number + 1}/{args.rounds} done", file=sys.stderr)
    print(f"Median of {args.rounds} rounds, seconds:\n")
    print("| database | schema | workers | path | slowest worker's setup | wall time of the run |")
    print("|---|---|---|---|---|---|")
    for cell in cells:
        setup = statistics.median(timing[1] for timing in times[cell])
        wall = statistics.median(timing[0] for timing in times[cell])
        print(f"| {' | '.join(map(str, cell))} | {setup:.2f} | {wall:.2f} |")


if __name__ == "__main__":
    main()
