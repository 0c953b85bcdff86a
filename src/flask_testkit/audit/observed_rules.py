"""Rules read from the observed run: shared state, skipped error cases, orders, no database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask_testkit.audit.findings import Finding
from flask_testkit.audit.order import Dependence, OrderReport
from flask_testkit.audit.runner import Run
from flask_testkit.audit.target import AppTarget

_MISSING_ERROR_CASE = frozenset({"untested", "no_error_case"})
_SHOWN = 3


def relative(path: str, root: Path) -> str:
    """A path as the report shows it: relative to the project's folder when it is inside."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def _listed(names: list[str]) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


def shared_state(run: Run, root: Path) -> Iterator[Finding]:
    """Tests that left rows, changed globals, config or environment, or left a context pushed."""
    state = run.state or {}
    for nodeid, entry in state.get("tests", {}).items():
        where = relative(str(entry["path"]), root), entry.get("line")
        name = nodeid.rsplit("::", 1)[-1]
        rows: dict[str, int] = entry.get("rows") or {}
        if rows:
            tables = ", ".join(f"{count} in {table}" for table, count in rows.items())
            yield Finding(
                "shared-state",
                *where,
                f"{name} left rows behind ({tables}) for the tests after it",
                "take the `db_session` fixture of flask-testkit (or roll back a transaction "
                "around each test) so its rows go when it ends.",
            )
        for key, what, advice in (
            (
                "globals",
                "module globals of the app",
                "monkeypatch.setattr(module, name, value) (monkeypatch.setitem for a key)",
            ),
            ("config", "app.config keys", "monkeypatch.setitem(app.config, key, value)"),
            ("environ", "environment variables", "monkeypatch.setenv(name, value)"),
        ):
            changed: list[str] = entry.get(key) or []
            if changed:
                yield Finding(
                    "shared-state",
                    *where,
                    f"{name} changed {what} and did not restore them: {_listed(changed)}",
                    f"make the change with {advice}; it is undone after the test.",
                )
        if entry.get("app_context"):
            yield Finding(
                "shared-state",
                *where,
                f"{name} left an app context pushed: the next test runs inside it",
                "use `with app.app_context():` (or a fixture that yields inside one) so it is "
                "popped when the test ends.",
            )


def skipped_error_cases(run: Run, target: AppTarget) -> Iterator[Finding]:
    """Endpoints of the endpoint-coverage report that no test sent a request it refused."""
    data = run.endpoints or {}
    for row in data.get("endpoints", []):
        flags = set(row.get("flags", []))
        if row.get("exempt") or not flags & _MISSING_ERROR_CASE:
            continue
        path, line = target.views.get(row["endpoint"], (f"<endpoint {row['endpoint']}>", None))
        statuses = ", ".join(sorted(row.get("statuses", {}))) or "no request"
        what = "no test sends it a request" if "untested" in flags else f"tests got {statuses}"
        yield Finding(
            "skipped-error-cases",
            path,
            line,
            f"{row['method']} {row['rule']} has no error case: {what}",
        )


def _node_place(nodeid: str, runs: list[Run], root: Path) -> tuple[str, int | None]:
    for run in runs:
        entry = run.tests.get(nodeid)
        if entry:
            return relative(str(entry["path"]), root), entry.get("line")
    return nodeid.split("::")[0], None


def _describe(dependence: Dependence) -> str:
    failed = ", ".join(dependence.failed_in)
    passed = ", ".join(dependence.passed_in)
    seen = f"(failed in: {failed}; passed in: {passed})"
    if not dependence.resolved:
        if not dependence.culprits:
            return f"its outcome changed between orders {seen}, but no earlier test explains it"
        return (
            f"its outcome depends on the tests before it {seen}; no single one explains it: "
            f"{_listed(list(dependence.culprits))}"
        )
    culprits = _listed(list(dependence.culprits))
    if dependence.kind == "pollution":
        return f"fails when {culprits} runs before it {seen}"
    return f"passes only when {culprits} runs before it; alone it fails {seen}"


def order_dependence(report: OrderReport, runs: list[Run], root: Path) -> Iterator[Finding]:
    """One finding per test whose outcome depends on the order, naming its polluter."""
    for dependence in report.dependences:
        path, line = _node_place(dependence.victim, runs, root)
        name = dependence.victim.split("::", 1)[-1]
        yield Finding("order-dependence", path, line, f"{name} {_describe(dependence)}")
    for victim in report.not_bisected:
        path, line = _node_place(victim, runs, root)
        yield Finding(
            "order-dependence",
            path,
            line,
            f"{victim.split('::', 1)[-1]} changes outcome between orders (not bisected: the "
            "budget ran out)",
        )


def statements_by_file(run: Run, root: Path) -> dict[str, int]:
    """SQL statements the tests of each file ran themselves, summed per file."""
    totals: dict[str, int] = {}
    tests: dict[str, Any] = (run.state or {}).get("tests", {})
    for entry in tests.values():
        path = relative(str(entry["path"]), root)
        totals[path] = totals.get(path, 0) + int(entry.get("statements", 0))
    return totals
