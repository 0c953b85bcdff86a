"""Field test: run `flask-testkit init` on public Flask apps and compare with their own suites.

For each app of manifest.toml (or the one named by --only), from a local copy of its repository:

1. make a venv, install the app's requirements, flask-testkit, pytest-cov and pytest-randomly;
2. run the app's own suite with line and branch coverage and endpoint coverage, and once more
   with flask-testkit's pytest plugins disabled, and compare the per-test outcomes;
3. copy the app, set its own tests aside, run `flask-testkit init --out tests` in the copy and
   check that init changed no file of the app's tree but the suite it wrote;
4. run the generated suite twice in random order on SQLite and twice on PostgreSQL, with
   coverage and endpoint coverage.

Prints one markdown table and writes every result to WORK/results.json. Nothing is written
outside the work folder. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import tomllib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
STEP_TIMEOUT = 15 * 60
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432"
# Entry points of flask-testkit's pytest plugins (pyproject.toml [project.entry-points.pytest11]
# names one; the endpoint-coverage plugin is loaded by it through pytest_plugins).
NO_PLUGIN = [
    "-p",
    "no:flask_testkit",
    "-p",
    "no:flask_testkit.endpoint_coverage.plugin",
]
TOOLS = ["pytest-cov", "pytest-randomly", "psycopg[binary]"]


# -- small helpers ------------------------------------------------------------------------------


def log(message: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


def run(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    logfile: Path,
    timeout: int = STEP_TIMEOUT,
) -> dict[str, Any]:
    """Run one step under `nice -n 10` with a timeout; keep its output in logfile."""
    logfile.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    shown = shlex.join(command)
    log(f"  $ {shown}  (in {cwd})")
    try:
        done = subprocess.run(
            ["nice", "-n", "10", *command],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        output, code = done.stdout, done.returncode
    except subprocess.TimeoutExpired as exc:
        raw = exc.stdout or b""
        output = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
        output += f"\n*** timed out after {timeout} s\n"
        code = None
    seconds = round(time.monotonic() - start, 2)
    logfile.write_text(f"$ {shown}\n(cwd {cwd})\n\n{output}\n(exit {code}, {seconds} s)\n")
    return {
        "command": shown,
        "exit": code,
        "seconds": seconds,
        "output": output,
        "log": str(logfile),
    }


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def tree_hashes(root: Path, skip: set[Path]) -> dict[str, str]:
    """sha256 of every file under root, by relative path; folders in skip are left out."""
    hashes: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if any(path == s or s in path.parents for s in skip):
            continue
        if path.is_symlink():
            hashes[str(path.relative_to(root))] = "link:" + os.readlink(path)
        elif path.is_file():
            hashes[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def tree_diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {
        "created": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(p for p in before.keys() & after.keys() if before[p] != after[p]),
    }


def db_name(name: str) -> str:
    return "field_" + re.sub(r"[^a-z0-9_]", "_", name.lower())


# -- reading results ----------------------------------------------------------------------------


def junit_outcomes(path: Path) -> dict[str, dict[str, str]]:
    """Per-test outcome and first line of the failure, from a junit xml file."""
    outcomes: dict[str, dict[str, str]] = {}
    if not path.exists():
        return outcomes
    try:
        tree = ET.parse(path)
    except ET.ParseError:
        return outcomes
    for case in tree.iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
                if child.tag == "skipped" and child.get("type") == "pytest.xfail":
                    outcome = "xfailed"
                text = child.get("message") or (child.text or "")
                message = text.strip().splitlines()[0][:300] if text.strip() else ""
                break
        if outcome == "error" and test_id in outcomes:
            # an error in teardown after the call was already recorded
            outcomes[test_id + " (teardown)"] = {"outcome": outcome, "message": message}
            continue
        outcomes[test_id] = {"outcome": outcome, "message": message}
    return outcomes


def count_outcomes(outcomes: dict[str, dict[str, str]]) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0, "xfailed": 0}
    for entry in outcomes.values():
        counts[entry["outcome"]] = counts.get(entry["outcome"], 0) + 1
    return counts


def coverage_totals(path: Path) -> dict[str, float | None]:
    if not path.exists():
        return {"line": None, "branch": None}
    totals = json.loads(path.read_text())["totals"]
    line = (
        100.0 * totals["covered_lines"] / totals["num_statements"]
        if totals.get("num_statements")
        else None
    )
    branch = (
        100.0 * totals["covered_branches"] / totals["num_branches"]
        if totals.get("num_branches")
        else None
    )
    return {"line": line, "branch": branch}


def endpoint_totals(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"complete": None, "endpoints": None}
    data = json.loads(path.read_text())
    summary = data["summary"]
    return {
        "complete": summary["complete"],
        "endpoints": summary["endpoints"],
        "tested": summary["tested"],
        "server_error": sum(1 for e in data["endpoints"] if "server_error" in e["flags"]),
    }


# -- the steps ----------------------------------------------------------------------------------


class Field:
    def __init__(self, args: argparse.Namespace) -> None:
        self.sources = Path(args.sources).resolve()
        self.work = Path(args.work).resolve()
        self.testkit = Path(args.testkit).resolve()
        self.reuse_venv = args.reuse_venv
        self.skip_pg = args.no_postgres
        self.manifest = tomllib.loads(Path(args.manifest).read_text())
        self.wheel: Path | None = None

    def base_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"VIRTUAL_ENV", "PYTHONPATH", "FLASK_APP", "TEST_DATABASE_URL"}
            and not key.startswith("PYTEST_")
        }
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        env.update(extra or {})
        return env

    def testkit_wheel(self) -> Path:
        """Build flask-testkit once, from a snapshot of the tree, so a run sees one version."""
        if self.wheel is not None:
            return self.wheel
        # one folder a process, so that two runners on the same work folder do not collide
        folder = self.work / f"_testkit-{os.getpid()}"
        snapshot = folder / "src"
        dist = folder / "dist"
        shutil.rmtree(folder, ignore_errors=True)
        snapshot.mkdir(parents=True)
        for item in ("pyproject.toml", "README.md", "LICENSE"):
            if (self.testkit / item).exists():
                shutil.copy2(self.testkit / item, snapshot / item)
        shutil.copytree(
            self.testkit / "src",
            snapshot / "src",
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
        )
        result = run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(snapshot)],
            self.work,
            self.base_env(),
            folder / "wheel.log",
        )
        wheels = sorted(dist.glob("flask_testkit-*.whl"))
        if result["exit"] != 0 or not wheels:
            raise SystemExit(f"could not build flask-testkit: see {result['log']}")
        self.wheel = wheels[-1]
        return self.wheel

    def testkit_version(self) -> dict[str, Any]:
        def git(*argv: str) -> str:
            done = subprocess.run(
                ["git", "-C", str(self.testkit), *argv],
                capture_output=True,
                text=True,
                check=False,
            )
            return done.stdout.strip()

        return {
            "path": str(self.testkit),
            "commit": git("rev-parse", "HEAD"),
            "dirty_files": git("status", "--porcelain", "--", "src", "pyproject.toml").splitlines(),
        }

    def app_root(self, entry: dict[str, Any], base: Path, venv: Path, logs: Path) -> Path:
        """The app's folder in a fresh copy under base (rendered first for a template)."""
        source = self.sources / entry["name"]
        if not source.is_dir():
            raise RuntimeError(f"no source at {source}: extract the repository there first")
        shutil.rmtree(base, ignore_errors=True)
        if "cookiecutter" in entry:
            base.mkdir(parents=True)
            context = [f"{key}={value}" for key, value in entry["cookiecutter"].items()]
            result = run(
                [
                    str(venv / "bin" / "cookiecutter"),
                    "--no-input",
                    "-o",
                    str(base),
                    str(source / entry.get("folder", ".")),
                    *context,
                ],
                base,
                self.base_env(),
                logs / f"render-{base.name}.log",
            )
            if result["exit"] != 0:
                raise RuntimeError(f"cookiecutter failed: {tail(result['output'], 5)}")
            return base / entry["cookiecutter"]["app_name"]
        folder = source / entry.get("folder", ".")
        shutil.copytree(folder, base, symlinks=True)
        return base

    def env_for(self, entry: dict[str, Any], root: Path) -> dict[str, str]:
        values = {
            key: str(value).format(app_dir=root, work=self.work / entry["name"])
            for key, value in entry.get("env", {}).items()
        }
        return values

    def install(self, entry: dict[str, Any], venv: Path, logs: Path) -> dict[str, Any]:
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        if self.reuse_venv and (venv / "bin" / "python").exists():
            steps = [[*pip, "--no-deps", "--force-reinstall", str(self.testkit_wheel())]]
        else:
            shutil.rmtree(venv, ignore_errors=True)
            made = run(
                [sys.executable, "-m", "venv", str(venv)],
                self.work,
                self.base_env(),
                logs / "venv.log",
            )
            if made["exit"] != 0:
                return {"ok": False, "why": tail(made["output"], 5)}
            steps = [[*pip, "-U", "pip", "setuptools", "wheel"]]
            if "cookiecutter" in entry:
                steps.append([*pip, "cookiecutter"])
            requirements = entry.get("pip", [])
            if requirements:
                steps.append(pip + requirements)
            # flask-testkit last but with the app's pins as constraints where it can keep them
            steps.append([*pip, str(self.testkit_wheel()), *TOOLS, *entry.get("pip_after", [])])
        source = self.sources / entry["name"] / entry.get("folder", ".")
        for number, step in enumerate(steps):
            result = run(step, source, self.base_env(), logs / f"install-{number}.log")
            if result["exit"] != 0:
                return {"ok": False, "why": tail(result["output"], 8), "log": result["log"]}
        freeze = run(
            [str(venv / "bin" / "python"), "-m", "pip", "freeze"],
            self.work,
            self.base_env(),
            logs / "freeze.log",
        )
        return {"ok": True, "freeze": freeze["output"].splitlines()}

    def pytest(
        self,
        entry: dict[str, Any],
        venv: Path,
        root: Path,
        targets: list[str],
        label: str,
        out: Path,
        plugin: bool = True,
        extra: list[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        junit = out / f"{label}.junit.xml"
        cov_json = out / f"{label}.coverage.json"
        ec_json = out / f"{label}.endpoints.json"
        for stale in (junit, cov_json, ec_json):
            stale.unlink(missing_ok=True)
        command = [str(venv / "bin" / "python"), "-m", "pytest", *targets]
        command += ["-p", "no:cacheprovider", "-p", "no:xdist"]
        command += ["-o", "console_output_style=classic"]
        command += ["-rfE", f"--junitxml={junit}", "-o", "junit_family=xunit2"]
        for source in entry["coverage"]:
            command.append(f"--cov={source}")
        command += [
            "--cov-branch",
            f"--cov-report=json:{cov_json}",
            "--cov-report=",
            f"--cov-config={out / 'coveragerc'}",
        ]
        if plugin:
            command.append(f"--endpoint-coverage-json={ec_json}")
        else:
            command += NO_PLUGIN
        command += extra or []
        run_env = self.base_env(self.env_for(entry, root))
        run_env["COVERAGE_FILE"] = str(out / f"{label}.coverage")
        run_env.update(env or {})
        result = run(command, root, run_env, out / f"{label}.log")
        outcomes = junit_outcomes(junit)
        summary = [ln for ln in result["output"].splitlines() if re.match(r"^=+ .* in [\d.]+s", ln)]
        return {
            "exit": result["exit"],
            "seconds": result["seconds"],
            "log": result["log"],
            "summary": summary[-1] if summary else tail(result["output"], 3),
            "counts": count_outcomes(outcomes),
            "outcomes": outcomes,
            "coverage": coverage_totals(cov_json),
            "endpoints": endpoint_totals(ec_json) if plugin else None,
        }

    def coveragerc(self, entry: dict[str, Any], out: Path) -> None:
        omit = ["*/tests/*", "*/__tests__/*", "*/test_*.py", "tests.py", "*/conftest.py"]
        omit += entry.get("coverage_omit", [])
        out.mkdir(parents=True, exist_ok=True)
        lines = ["[run]", "branch = True", "omit ="] + [f"    {p}" for p in omit]
        (out / "coveragerc").write_text("\n".join(lines) + "\n")

    def one(self, entry: dict[str, Any]) -> dict[str, Any]:
        name = entry["name"]
        work = self.work / name
        logs = work / "logs"
        out = work / "results"
        shutil.rmtree(logs, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        logs.mkdir(parents=True)
        self.coveragerc(entry, out)
        venv = work / "venv"
        result: dict[str, Any] = {"name": name, "repository": entry["repository"]}
        log(f"{name}: install")
        result["install"] = self.install(entry, venv, logs)
        if not result["install"]["ok"]:
            log(f"{name}: install failed")
            return result

        # 1. the app's own suite, with and without the plugin
        log(f"{name}: own suite")
        own_root = self.app_root(entry, work / "own", venv, logs)
        own_args = shlex.split(entry["own_tests_command"])
        result["own"] = self.pytest(entry, venv, own_root, own_args, "own", out)
        result["own_no_plugin"] = self.pytest(
            entry, venv, own_root, own_args, "own-no-plugin", out, plugin=False
        )
        with_plugin = {k: v["outcome"] for k, v in result["own"]["outcomes"].items()}
        without = {k: v["outcome"] for k, v in result["own_no_plugin"]["outcomes"].items()}
        result["own_differences"] = sorted(
            f"{test}: {with_plugin.get(test, 'absent')} with the plugin, "
            f"{without.get(test, 'absent')} without"
            for test in set(with_plugin) | set(without)
            if with_plugin.get(test) != without.get(test)
        )

        # 2. init on a copy whose own tests are set aside
        log(f"{name}: init")
        gen_root = self.app_root(entry, work / "gen", venv, logs)
        aside = work / "own-tests-aside"
        shutil.rmtree(aside, ignore_errors=True)
        aside.mkdir()
        for relative in entry["own_tests"]:
            path = gen_root / relative
            if path.exists():
                target = aside / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(path), str(target))
        out_dir = gen_root / "tests"
        before = tree_hashes(gen_root, {out_dir})
        init_env = self.base_env(self.env_for(entry, gen_root))
        command = [str(venv / "bin" / "flask-testkit"), "init", "--app", entry["app"]]
        command += ["--out", "tests"]
        if not self.skip_pg:
            # init verifies on SQLite and on the database named, as a PostgreSQL user has it.
            command += ["--db-url", f"{PG_BASE}/{db_name(name)}_init"]
        init = run(
            command,
            gen_root,
            init_env,
            logs / "init.log",
        )
        after = tree_hashes(gen_root, {out_dir})
        output = init["output"]
        wrote = re.search(r"Wrote (\d+) files \((\d+) tests\)", output)
        dropped = re.search(r"dropped by verification: (\d+)", output)
        one_database = re.findall(r"kept as strict xfails there: (\d+)", output)
        result["init"] = {
            "exit": init["exit"],
            "seconds": init["seconds"],
            "log": init["log"],
            "files": int(wrote.group(1)) if wrote else None,
            "tests": int(wrote.group(2)) if wrote else None,
            "dropped": int(dropped.group(1)) if dropped else None,
            "xfail_one_database": sum(int(n) for n in one_database),
            "summary": output.strip().splitlines(),
            "tree": tree_diff(before, after),
        }
        diff = result["init"]["tree"]
        result["init"]["tree_unchanged"] = not any(diff.values())
        if init["exit"] != 0 or not out_dir.is_dir():
            log(f"{name}: init failed (exit {init['exit']})")
            return result

        # 3. the generated suite: twice on SQLite, twice on PostgreSQL, in random order
        runs = []
        databases = [("sqlite", {})]
        if not self.skip_pg:
            databases.append(("postgresql", {"TEST_DATABASE_URL": f"{PG_BASE}/{db_name(name)}"}))
        for database, env in databases:
            for attempt in (1, 2):
                seed = random.randrange(1, 2**31)
                label = f"gen-{database}-{attempt}"
                log(f"{name}: generated suite on {database}, seed {seed}")
                print(f"{name}: generated suite on {database}, run {attempt}, seed {seed}")
                outcome = self.pytest(
                    entry,
                    venv,
                    gen_root,
                    ["tests"],
                    label,
                    out,
                    extra=["-p", "randomly", f"--randomly-seed={seed}"],
                    env=env,
                )
                outcome.update({"database": database, "attempt": attempt, "seed": seed})
                runs.append(outcome)
        result["generated"] = runs
        after_runs = tree_hashes(gen_root, {out_dir})
        result["tree_after_runs"] = tree_diff(before, after_runs)
        return result


# -- the report ---------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def endpoints(value: dict[str, Any] | None) -> str:
    if not value or value.get("complete") is None:
        return "-"
    return f"{value['complete']}/{value['endpoints']}"


def pfe(run_result: dict[str, Any] | None) -> str:
    if run_result is None:
        return "-"
    counts = run_result["counts"]
    text = f"{counts['passed']}/{counts['failed']}/{counts['error']}"
    if counts.get("xfailed"):
        text += f" +{counts['xfailed']}xf"
    if counts.get("skipped"):
        text += f" +{counts['skipped']}s"
    if run_result["exit"] is None:
        text += " (timeout)"
    elif not run_result["outcomes"] and run_result["exit"] not in (0, 1):
        text = f"exit {run_result['exit']}"
    return text


def first_run(result: dict[str, Any], database: str) -> dict[str, Any] | None:
    for item in result.get("generated", []):
        if item["database"] == database and item["attempt"] == 1:
            return item
    return None


def stable(result: dict[str, Any], database: str) -> bool:
    runs = [r for r in result.get("generated", []) if r["database"] == database]
    if len(runs) < 2:
        return True
    first, second = ({k: v["outcome"] for k, v in r["outcomes"].items()} for r in runs[:2])
    return first == second


def table(results: list[dict[str, Any]]) -> str:
    head = (
        "| app | tests generated | SQLite pass/fail/error | PostgreSQL pass/fail/error "
        "| dropped | xfail on PostgreSQL only | line % gen / own | branch % gen / own "
        "| endpoints happy+error gen / own | tree unchanged by init / by suite "
        "| own suite same without plugin |"
    )
    rows = [head, "|" + "---|" * 11]
    for result in results:
        name = result["name"]
        if not result.get("install", {}).get("ok"):
            rows.append(f"| {name} | install failed | | | | | | | | | |")
            continue
        init = result.get("init")
        own = result.get("own")
        if init is None:
            rows.append(f"| {name} | - | | | | | | | | | |")
            continue
        sqlite, postgres = first_run(result, "sqlite"), first_run(result, "postgresql")
        tests = "-" if init["tests"] is None else str(init["tests"])
        if init["exit"] != 0:
            tests = f"init exit {init['exit']}"
        sqlite_cell, pg_cell = pfe(sqlite), pfe(postgres)
        if sqlite and not stable(result, "sqlite"):
            sqlite_cell += " (2nd run differs)"
        if postgres and not stable(result, "postgresql"):
            pg_cell += " (2nd run differs)"
        gen_cov = sqlite["coverage"] if sqlite else {"line": None, "branch": None}
        own_cov = own["coverage"] if own else {"line": None, "branch": None}
        dropped = "-" if init["dropped"] is None else str(init["dropped"])
        one_database = str(init.get("xfail_one_database", "-"))
        suite_tree = result.get("tree_after_runs")
        by_suite = "-" if suite_tree is None else "no" if any(suite_tree.values()) else "yes"
        by_init = "yes" if init["tree_unchanged"] else "no"
        same = "yes" if not result.get("own_differences") else "no"
        if own and not own["outcomes"]:
            same = "no own results"
        rows.append(
            f"| {name} | {tests} | {sqlite_cell} | {pg_cell} | {dropped} | {one_database} "
            f"| {pct(gen_cov['line'])} / {pct(own_cov['line'])} "
            f"| {pct(gen_cov['branch'])} / {pct(own_cov['branch'])} "
            f"| {endpoints(sqlite['endpoints'] if sqlite else None)} / "
            f"{endpoints(own['endpoints'] if own else None)} "
            f"| {by_init} / {by_suite} | {same} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", required=True, help="folder with one copy of each app")
    parser.add_argument("--work", required=True, help="folder for venvs, copies and results")
    parser.add_argument("--manifest", default=str(HERE / "manifest.toml"))
    parser.add_argument("--testkit", default=str(REPO), help="flask-testkit tree to install")
    parser.add_argument("--only", action="append", help="run only this app (repeatable)")
    parser.add_argument("--reuse-venv", action="store_true", help="keep venvs, reinstall testkit")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL runs")
    parser.add_argument("--report", action="store_true", help="print the last run's table")
    args = parser.parse_args(argv)

    field = Field(args)
    field.work.mkdir(parents=True, exist_ok=True)
    results_path = field.work / "results.json"
    previous: dict[str, Any] = {}
    if results_path.exists():
        previous = json.loads(results_path.read_text())
    if args.report:
        print(table(previous.get("apps", [])))
        return 0

    entries = field.manifest["app"]
    if args.only:
        unknown = set(args.only) - {e["name"] for e in entries}
        if unknown:
            parser.error(f"not in the manifest: {', '.join(sorted(unknown))}")
        entries = [e for e in entries if e["name"] in args.only]
    by_name = {r["name"]: r for r in previous.get("apps", [])}
    for entry in entries:
        try:
            by_name[entry["name"]] = field.one(entry)
        except Exception as exc:  # one broken app must not stop the others
            log(f"{entry['name']}: {type(exc).__name__}: {exc}")
            by_name[entry["name"]] = {"name": entry["name"], "error": repr(exc), "install": {}}
        if results_path.exists():  # another runner may have written other apps meanwhile
            for other in json.loads(results_path.read_text()).get("apps", []):
                if other["name"] not in {e["name"] for e in entries}:
                    by_name[other["name"]] = other
        results = [by_name[e["name"]] for e in field.manifest["app"] if e["name"] in by_name]
        results_path.write_text(
            json.dumps(
                {
                    "date": dt.date.today().isoformat(),
                    "testkit": field.testkit_version(),
                    "python": sys.version.split()[0],
                    "apps": results,
                },
                indent=2,
            )
            + "\n"
        )
    print(table([by_name[e["name"]] for e in field.manifest["app"] if e["name"] in by_name]))
    print(f"\nresults: {results_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
