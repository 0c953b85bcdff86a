"""How long `flask-testkit audit` takes to find a planted polluter, by suite size.

Each suite is the one tests/audit writes: files of 20 trivial tests, one of which leaves a flag in
a module global that a test two thirds of the way through checks. The audit runs the suite in
its own order, reversed and in two random orders, then bisects the victim. Each size is measured
with runs forked from a process that imported pytest once (the default) and with every run
started afresh (FLASK_TESTKIT_FORK=0).

Usage: python benchmarks/audit/bench_audit.py [--sizes 50,200,400] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "audit"))

from audit_projects import BIN, UNRELATED_PLUGINS, order_suite, write_project  # noqa: E402

PER_FILE = 20


def _audit(root: Path, fork: bool) -> tuple[float, dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        FLASK_TESTKIT_PROGRESS="0",
        PYTEST_ADDOPTS=UNRELATED_PLUGINS,
        FLASK_TESTKIT_FORK="1" if fork else "0",
    )
    command = [str(BIN / "flask-testkit"), "audit", "--app", "shop:create_app()"]
    command += ["--seed", "1", "--json", "-"]
    started = time.monotonic()
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True)
    return time.monotonic() - started, json.loads(result.stdout)


def _found(data: dict[str, object], polluter: str, victim: str) -> bool:
    findings = data["findings"]
    assert isinstance(findings, list)
    expected = f"{victim.split('::')[-1]} fails when `{polluter}` runs before it"
    return any(f["message"].startswith(expected) for f in findings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,200,400")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    print(
        "| tests | runs: orders + bisect | forked: median | forked: max | spawned: median |", end=""
    )
    print(" pair found |")
    print("| ---: | ---: | ---: | ---: | ---: | --- |")
    for size in (int(s) for s in options.sizes.split(",")):
        files = size // PER_FILE
        polluter, victim = (files // 3, 5), (2 * files // 3, 12)
        names = [
            f"tests/integration/test_part_{n:02d}.py::test_{n:02d}_{i:02d}"
            for n, i in (polluter, victim)
        ]
        times: dict[bool, list[float]] = {True: [], False: []}
        found, runs = True, ""
        with tempfile.TemporaryDirectory() as folder:
            root = write_project(Path(folder), order_suite(files, PER_FILE, polluter, victim))
            for _ in range(options.rounds):
                for fork in (True, False):
                    seconds, data = _audit(root, fork)
                    times[fork].append(seconds)
                    found = found and _found(data, *names)
                    runs = f"{len(data['runs'])} + {data['bisect_runs']}"
                    print(f"{size} tests, fork={fork}: {seconds:.1f} s", file=sys.stderr)
        print(
            f"| {size} | {runs} | {statistics.median(times[True]):.1f} s | "
            f"{max(times[True]):.1f} s | {statistics.median(times[False]):.1f} s | "
            f"{'yes' if found else 'no'} |"
        )


if __name__ == "__main__":
    main()
