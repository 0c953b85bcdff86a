"""Mutation score of each app's own suite and of the suite `init` wrote, side by side (mutmut).

Runs after `run.py` on the same work folder: for every app of manifest.toml with a `mutate` list
(or those named by --only), it copies WORK/<app>/own (the app with its own tests) and
WORK/<app>/gen (the app with the generated `tests/`), points mutmut at the same code in both
(the manifest's `mutate` paths: views, models, services), runs `mutmut run` in each copy with
the app's venv, and reads mutmut's counts. The score is the share of mutants some test failed
on (killed, or timed out), of all mutants: one no test runs counts as survived.

mutmut 2 is used: mutmut 3 leaves decorated functions alone, and every Flask view is one. It
applies each mutant to the file and runs the suite (`-x`, in its own order) until a test fails.

Both suites of an app run in one invocation, one after the other, on the same machine.
Results go to WORK/mutation.json and a markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import tomllib
from run import HERE, log, run

MUTMUT = "mutmut==2.5.1"
STEP_TIMEOUT = 90 * 60
_LEFT_OUT = {".mutmut-cache", "venv", ".venv", "__pycache__", ".pytest_cache"}
_PYTEST = ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:xdist"]


def score(
    copy: Path, entry: dict[str, Any], tests: list[str], venv: Path, logs: Path, label: str
) -> dict[str, Any]:
    """Run mutmut in the copy; its counts and the score."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("TEST_DATABASE_URL", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    mutmut = str(venv / "bin" / "mutmut")
    runner = shlex.join([str(venv / "bin" / "python"), "-m", "pytest", *_PYTEST, *tests])
    command = [mutmut, "run", "--paths-to-mutate", ",".join(entry["mutate"])]
    command += ["--tests-dir", tests[0], "--runner", runner, "--no-progress", "--simple-output"]
    if entry.get("mutation_skip"):
        command += ["--paths-to-exclude", ",".join(entry["mutation_skip"])]
    started = time.monotonic()
    done = run(command, copy, env, logs / f"{label}.log", STEP_TIMEOUT)
    seconds = time.monotonic() - started
    cache = copy / ".mutmut-cache"
    if not cache.exists():
        return {"exit": done["exit"], "seconds": seconds, "error": "mutmut wrote no results"}
    with sqlite3.connect(cache) as connection:
        rows = connection.execute("SELECT status, COUNT(*) FROM Mutant GROUP BY status").fetchall()
    stats = {status: count for status, count in rows}
    killed = stats.get("ok_killed", 0)
    timeout = stats.get("bad_timeout", 0)
    total = sum(stats.values()) - stats.get("skipped", 0)
    return {
        "exit": done["exit"],
        "seconds": round(seconds, 1),
        "stats": {
            "total": total,
            "killed": killed + timeout,
            "survived": stats.get("bad_survived", 0) + stats.get("ok_suspicious", 0),
            "untested": stats.get("untested", 0),
        },
        "score": round(100 * (killed + timeout) / total, 1) if total else None,
    }


def one(entry: dict[str, Any], work: Path) -> dict[str, Any]:
    name = entry["name"]
    base = work / name
    venv = base / "venv"
    logs = base / "logs" / "mutation"
    logs.mkdir(parents=True, exist_ok=True)
    log(f"{name}: install {MUTMUT}")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", MUTMUT]
    run(pip, base, dict(os.environ), logs / "install.log")
    result: dict[str, Any] = {"name": name, "mutate": entry["mutate"]}
    suites = {"own": entry.get("mutation_tests", entry["own_tests"]), "gen": ["tests"]}
    for label, tests in suites.items():
        source = base / label
        copy = base / f"mutation-{label}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(*_LEFT_OUT))
        log(f"{name}: mutmut on the {label} suite")
        result[label] = score(copy, entry, tests, venv, logs, label)
    return result


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        "| app | code mutated | mutants | score gen / own | killed gen / own | survived gen / own "
        "| not run gen / own |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        gen, own = result.get("gen", {}), result.get("own", {})
        g, o = gen.get("stats", {}), own.get("stats", {})

        def pair(key: str, g: dict[str, Any] = g, o: dict[str, Any] = o) -> str:
            return f"{g.get(key, '-')} / {o.get(key, '-')}"

        rows.append(
            f"| {result['name']} | {', '.join(result['mutate'])} | {g.get('total', '-')} "
            f"| {gen.get('score', '-')} / {own.get('score', '-')} | {pair('killed')} "
            f"| {pair('survived')} | {pair('untested')} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="the work folder of a finished run.py")
    parser.add_argument("--manifest", default=str(HERE / "manifest.toml"))
    parser.add_argument("--only", action="append", help="only this app (repeatable)")
    parser.add_argument("--report", action="store_true", help="print the last run's table")
    args = parser.parse_args(argv)
    work = Path(args.work).resolve()
    results_file = work / "mutation.json"
    if args.report:
        print(table(json.loads(results_file.read_text())))
        return 0
    manifest = tomllib.loads(Path(args.manifest).read_text())
    entries = [e for e in manifest["app"] if "mutate" in e]
    if args.only:
        entries = [e for e in entries if e["name"] in args.only]
    missing = [e["name"] for e in entries if not (work / e["name"] / "gen" / "tests").is_dir()]
    if missing:
        print(
            f"no generated suite in {work} for {', '.join(missing)}: run run.py first",
            file=sys.stderr,
        )
        return 2
    # Apps run before and not now keep their last results.
    by_name = (
        {r["name"]: r for r in json.loads(results_file.read_text())}
        if results_file.exists()
        else {}
    )
    for entry in entries:
        by_name[entry["name"]] = one(entry, work)
        results_file.write_text(json.dumps(list(by_name.values()), indent=2))
    print(table(list(by_name.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
