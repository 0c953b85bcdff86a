"""Overhead of --endpoint-coverage: a real suite, and one request, each timed with and without.

Usage: python benchmarks/endpoint_coverage/bench_overhead.py [--rounds N] [--suite DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from flask import Flask, abort, request_finished
from suite_timer import TIMES_FILE

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# Fixed order and a fixed Hypothesis seed, so that both variants run exactly the same tests.
BASE_ARGS = ["-q", "-p", "no:randomly", "--hypothesis-seed=0"]
KINDS = ("wall", "cpu", "tests cpu")
VARIANTS = {"without": [], "with": ["--endpoint-coverage"]}
REQUESTS_PER_BATCH = 2000


def children_cpu_seconds() -> float:
    """User plus system CPU time of all finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_suite(suite: Path, extra: list[str]) -> dict[str, float]:
    """Run the suite once in a fresh process; return its wall and CPU seconds, whole and tests'."""
    command = [sys.executable, "-m", "pytest", *BASE_ARGS, "-p", "suite_timer", *extra]
    with tempfile.TemporaryDirectory() as folder:
        times_file = Path(folder) / "times.json"
        env = {**os.environ, TIMES_FILE: str(times_file), "PYTHONPATH": str(HERE)}
        cpu_before, started = children_cpu_seconds(), time.perf_counter()
        result = subprocess.run(
            command, cwd=suite, env=env, capture_output=True, text=True, check=False
        )
        wall, cpu = time.perf_counter() - started, children_cpu_seconds() - cpu_before
        if result.returncode != 0:
            sys.exit(f"the suite failed ({' '.join(command)}):\n{result.stdout[-2000:]}")
        if extra and " endpoint coverage " not in result.stdout:
            sys.exit("the run with --endpoint-coverage printed no report: is it installed?")
        tests_cpu = json.loads(times_file.read_text())["cpu"]
    return {"wall": wall, "cpu": cpu, "tests cpu": tests_cpu}


def measure_suite(suite: Path, rounds: int) -> dict[str, dict[str, list[float]]]:
    """Wall-clock and CPU seconds of each variant, round after round, interleaved."""
    # One unmeasured run of each warms the file-system cache and the bytecode.
    for extra in VARIANTS.values():
        run_suite(suite, extra)
    times = {kind: {name: [] for name in VARIANTS} for kind in KINDS}
    for round_number in range(rounds):
        # Alternate which variant goes first, so that drift in the machine's speed cancels out.
        order = list(VARIANTS) if round_number % 2 == 0 else list(reversed(VARIANTS))
        for name in order:
            for kind, seconds in run_suite(suite, VARIANTS[name]).items():
                times[kind][name].append(seconds)
        print(
            f"round {round_number + 1} (without / with): "
            + ", ".join(
                f"{kind} {times[kind]['without'][-1]:.2f} s / {times[kind]['with'][-1]:.2f} s"
                for kind in times
            ),
            file=sys.stderr,
        )
    return times


def median_overhead(times: dict[str, list[float]]) -> float:
    """Median over rounds of (with / without - 1), in percent."""
    ratios = [w / wo - 1 for w, wo in zip(times["with"], times["without"], strict=True)]
    return 100 * statistics.median(ratios)


def count_requests(suite: Path) -> int:
    """How many requests the suite sends, counted by a second run of it in a child process."""
    command = [sys.executable, __file__, "--count-requests", "--suite", str(suite)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return int(result.stdout.strip().splitlines()[-1])


def print_request_count(suite: Path) -> None:
    """Run the suite in this process and print how many requests Flask finished."""
    count = 0

    def on_request(sender: Flask, **extra: object) -> None:
        nonlocal count
        count += 1

    request_finished.connect(on_request)
    os.chdir(suite)
    with open(os.devnull, "w") as quiet:
        stdout, sys.stdout = sys.stdout, quiet
        try:
            pytest.main(BASE_ARGS)
        finally:
            sys.stdout = stdout
    print(count)


def per_request_app() -> Flask:
    """A one-route app: the cheapest request Flask serves, so the recorder's share shows most."""
    app = Flask("bench")

    @app.get("/items/<int:item_id>")
    def item(item_id: int) -> dict[str, int]:
        if item_id > 1:
            abort(404)
        return {"id": item_id}

    return app


def time_requests(app: Flask) -> float:
    """CPU microseconds per request over one batch of test-client requests."""
    client = app.test_client()
    started = time.process_time()
    for number in range(REQUESTS_PER_BATCH):
        client.get(f"/items/{number % 3}")
    return (time.process_time() - started) / REQUESTS_PER_BATCH * 1e6


def measure_per_request(rounds: int) -> tuple[float, float]:
    """Fastest CPU microseconds per request with the recorder off and on, batches alternating."""
    # Imported here: the --count-requests child must let pytest import the plugin first.
    from flask_testkit.endpoint_coverage.recorder import Recorder
    from flask_testkit.endpoint_coverage.records import Records

    app = per_request_app()
    recorder = Recorder(Records())
    recorder.current_test = "bench.py::test_items"
    time_requests(app)
    off: list[float] = []
    on: list[float] = []
    for _ in range(rounds * 2):
        off.append(time_requests(app))
        recorder.start()
        on.append(time_requests(app))
        recorder.stop()
    # The fastest batch is the one least disturbed by the rest of the machine.
    return min(off), min(on)


def main() -> None:
    """Measure the suite and one request, then print the tables in Markdown."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15, help="measured rounds (default 15)")
    parser.add_argument("--suite", type=Path, default=ROOT / "examples" / "userapi")
    parser.add_argument("--count-requests", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_requests:
        print_request_count(args.suite)
        return

    times = measure_suite(args.suite, args.rounds)
    off, on = measure_per_request(args.rounds)
    requests = count_requests(args.suite)
    tests_cpu = statistics.median(times["tests cpu"]["without"])
    expected = 100 * requests * (on - off) / 1e6 / tests_cpu

    print(f"Suite: {args.suite.resolve().relative_to(ROOT)}, {args.rounds} rounds, interleaved\n")
    print("| suite run (median) | wall clock | CPU time | CPU time from first test to end |")
    print("| --- | ---: | ---: | ---: |")
    for name in VARIANTS:
        cells = " | ".join(f"{statistics.median(times[kind][name]):.2f} s" for kind in KINDS)
        print(f"| {name} --endpoint-coverage | {cells} |")
    cells = " | ".join(f"{median_overhead(times[kind]):+.2f} %" for kind in KINDS)
    print(f"| overhead, median of per-round ratios | {cells} |")
    print(f"\nOne request through the test client (fastest of {2 * args.rounds} batches)\n")
    print("| recorder | CPU per request |")
    print("| --- | ---: |")
    print(f"| off | {off:.1f} µs |")
    print(f"| on | {on:.1f} µs |")
    print(
        f"\nThe suite sends {requests} requests: {requests} x {on - off:.1f} µs is "
        f"{expected:.3f} % of the {tests_cpu:.2f} s of CPU time its tests take."
    )


if __name__ == "__main__":
    main()
