"""The reference app, measured: its suite per test on each database, and requests per second.

Part 1 runs the userapi suite on SQLite and on PostgreSQL, serially and with `-n 2`, with and
without its fuzzing module, and reports the median wall time and pytest's own time per test.
Part 2 serves a bare Flask endpoint and userapi (production config, PostgreSQL) with gunicorn on
127.0.0.1 and drives every endpoint with the same bounded client, in interleaved rounds, so that
the numbers sit side by side from one run on one machine.

    python benchmarks/userapi/bench_userapi.py [--repeats 3] [--requests 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from load import bench_database, drive, gunicorn, login_token, seed_users

ROOT = Path(__file__).resolve().parents[2]
APP_DIR = ROOT / "examples" / "userapi"
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/userapi_bench"
SUMMARY = re.compile(r"(\d+) passed.* in ([\d.]+)s")


FUZZING = "tests/integration/test_openapi_fuzz.py"


def run_suite(extra_env: dict[str, str], workers: int, fuzzing: bool) -> tuple[int, float, float]:
    """Run the userapi suite once; return the test count, the wall time and pytest's own time."""
    command = [sys.executable, "-m", "pytest", "tests/", "-q", "-p", "no:cacheprovider"]
    if workers:
        command += ["-n", str(workers)]
    if not fuzzing:
        # Ignored, not deselected: the module builds its Schemathesis cases while it is collected.
        command += ["--ignore", FUZZING]
    env = {**os.environ, **extra_env}
    started = time.perf_counter()
    result = subprocess.run(command, cwd=APP_DIR, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    match = SUMMARY.search(result.stdout)
    if result.returncode != 0 or match is None:
        sys.exit(f"The suite failed; run it by hand in {APP_DIR}:\n{result.stdout[-2000:]}")
    return int(match.group(1)), elapsed, float(match.group(2))


def suite_table(postgres: str, repeats: int) -> list[str]:
    """Median times of the suite per database, worker count, and with or without fuzzing."""
    rows = [
        "| Database | Workers | Tests | Wall time | pytest's time | Per test (pytest's time) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    backends = {"SQLite (memory)": {}, "PostgreSQL": {"TEST_DATABASE_URL": postgres}}
    cells = [
        (label, env, workers, fuzzing)
        for label, env in backends.items()
        for workers in (0, 2)
        for fuzzing in (True, False)
    ]
    runs: list[list[tuple[int, float, float]]] = [[] for _ in cells]
    # Rounds visit every cell in turn, so that load from elsewhere on the machine hits all alike.
    for _ in range(repeats):
        for index, (_, env, workers, fuzzing) in enumerate(cells):
            runs[index].append(run_suite(env, workers, fuzzing))
    for (label, _, workers, fuzzing), cell_runs in zip(cells, runs, strict=True):
        tests = cell_runs[0][0]
        wall = statistics.median(run[1] for run in cell_runs)
        reported = statistics.median(run[2] for run in cell_runs)
        selection = f"{tests}" if fuzzing else f"{tests} (no fuzzing)"
        rows.append(
            f"| {label} | {workers or 1} | {selection} | {wall:.1f} s | {reported:.1f} s "
            f"| {reported / tests * 1000:.1f} ms |"
        )
    return rows


def throughput_table(postgres: str, requests: int, concurrency: int, rounds: int) -> list[str]:
    """Requests per second through gunicorn, bare Flask and userapi on PostgreSQL, interleaved."""
    with (
        bench_database(postgres) as database_url,
        gunicorn("bare_app:app", BENCH_DIR, {}) as bare_url,
    ):
        env = {"DATABASE_URL": database_url, "SECRET_KEY": "b" * 64}
        user_id = seed_users(database_url, env)
        with gunicorn('app:create_app("production")', APP_DIR, env) as api_url:
            headers = {"Authorization": f"Bearer {login_token(api_url)}"}
            logins = max(requests // 50, 20)
            n, api = requests, api_url
            endpoints = [
                ("bare Flask", "`GET /ping`", bare_url, "/ping", {}, n),
                ("userapi", "`GET /api/v1/users/<id>`", api, f"/api/v1/users/{user_id}", {}, n),
                ("userapi", "`GET /api/v1/users/` (page of 20)", api, "/api/v1/users/", {}, n),
                ("userapi", "`GET /api/v1/auth/me` (JWT)", api, "/api/v1/auth/me", headers, n),
                ("userapi", "`GET /api/v1/nothing` (404)", api, "/api/v1/nothing", {}, n),
                ("userapi", "`POST /api/v1/auth/login` (argon2id)", api, "login", {}, logins),
            ]
            results: list[list[dict[str, float]]] = [[] for _ in endpoints]
            # Rounds alternate the endpoints, so that machine noise hits them all alike.
            for _ in range(rounds):
                for index, (_, _, url, path, sent, count) in enumerate(endpoints):
                    results[index].append(drive(url, path, count, concurrency, sent))
    rows = [
        "| Server | Endpoint | Requests | Req/s | Median latency | p95 latency |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for (server, label, *_), runs in zip(endpoints, results, strict=True):
        best = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
        rows.append(
            f"| {server} | {label} | {int(best['requests'])} x {rounds} | {best['rps']:.0f} | "
            f"{best['p50_ms']:.1f} ms | {best['p95_ms']:.1f} ms |"
        )
    return rows


def main() -> None:
    """Parse options, run both parts, print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="suite runs per cell (median)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections at once")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (median)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="a PostgreSQL URL to use")
    parser.add_argument("--skip-suite", action="store_true", help="only measure throughput")
    parser.add_argument("--skip-throughput", action="store_true", help="only time the suite")
    options = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    if not options.skip_suite:
        print("\n".join(suite_table(options.postgres, options.repeats)) + "\n")
    table = throughput_table(
        options.postgres, options.requests, options.concurrency, options.rounds
    )
    print("\n".join(table))


if __name__ == "__main__":
    main()
