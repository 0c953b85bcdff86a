"""The layout rule: unit and integration tests apart, each on the side of the line it belongs."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence

from flask_testkit.audit.findings import Finding
from flask_testkit.audit.suite_source import Function, SuiteSource, dotted


def _sends_requests(function: Function, suite: SuiteSource) -> str | None:
    """How a test sends requests: the `client` fixture (maybe through another) or test_client()."""
    if "client" in function.params:
        return "takes the `client` fixture"
    reached = suite.closure(function.params)
    if "client" in reached:
        through = [name for name in function.params if "client" in suite.closure((name,))]
        return f"takes `{through[0]}`, which uses `client`" if through else "uses `client`"
    for node in ast.walk(function.node):
        if isinstance(node, ast.Call) and (dotted(node.func) or "").endswith("test_client"):
            return "calls `test_client()`"
    return None


def _unit_folder_left_empty(base: str, unit_subjects: Sequence[str]) -> Iterator[Finding]:
    """A unit/ folder with no test: fine for an app with nothing to unit-test but its views.

    An app whose logic all lives in its views (no models, no service module) has nothing a unit
    test could reach without a request; its empty unit/ folder is where such tests will go.
    """
    if not unit_subjects:
        return
    shown = ", ".join(f"`{name.rsplit('.', 1)[-1]}`" for name in unit_subjects[:3])
    more = f" and {len(unit_subjects) - 3} more" if len(unit_subjects) > 3 else ""
    yield Finding(
        "layout",
        f"{base}/unit",
        None,
        f"{base}/unit holds no test, though the app has models or service functions to "
        f"unit-test: {shown}{more}",
        f"test them in {base}/unit/ without a request: a model's methods, a service "
        "function's result.",
    )


def _one_file(suite: SuiteSource) -> Finding:
    [source] = [source for source in suite.files if source.path == suite.tests]
    return Finding(
        "layout",
        source.rel,
        None,
        "the whole suite is this one file: the tests of service logic and of HTTP endpoints "
        "are not kept apart",
        "split it into tests/unit/ (service logic) and tests/integration/ (HTTP endpoints).",
    )


def static_layout(suite: SuiteSource, unit_subjects: Sequence[str] = ()) -> Iterator[Finding]:
    """Missing unit/ or integration/ folders, and unit tests that send requests."""
    if suite.tests.is_file():
        yield _one_file(suite)
        return
    tests = [source for source in suite.files if source.is_test_file]
    areas = {source.area for source in tests}
    folder = tests[0].rel.split("/")[0] if tests else suite.tests.name
    base = (
        suite.tests.relative_to(suite.root).as_posix()
        if suite.tests.is_relative_to(suite.root)
        else folder
    )
    for area, holds in (("unit", "service logic"), ("integration", "HTTP endpoints")):
        if not tests or area in areas:
            continue
        if area == "unit" and any(path.is_dir() for path in suite.tests.rglob(area)):
            yield from _unit_folder_left_empty(base, unit_subjects)
            continue
        yield Finding(
            "layout",
            base,
            None,
            f"no {base}/{area} folder: the tests of {holds} are not kept apart",
            f"put the tests of {holds} in {base}/{area}/.",
        )
    for function in suite.functions():
        if function.is_test and function.file.area == "unit":
            how = _sends_requests(function, suite)
            if how is not None:
                yield Finding(
                    "layout",
                    function.file.rel,
                    function.node.lineno,
                    f"the unit test {function.node.name} {how}: it sends requests",
                    "move it to tests/integration, or test the service function it reaches "
                    "without a request.",
                )


def database_layout(
    suite: SuiteSource, statements_by_file: Mapping[str, int], app_has_database: bool
) -> Iterator[Finding]:
    """Integration tests that, all together, never reached a database, for an app that has one.

    One file may have nothing to store (an OpenAPI document, an error page); a whole folder of
    request tests that never ran a statement is running against a mock or nothing.
    """
    if not app_has_database:
        return
    ran = [
        source
        for source in suite.files
        if source.area == "integration" and source.rel in statements_by_file
    ]
    if ran and not sum(statements_by_file[source.rel] for source in ran):
        parts = ran[0].rel.split("/")
        folder = "/".join(parts[: parts.index("integration") + 1])
        yield Finding(
            "layout",
            folder,
            None,
            f"no test in {folder} ran a single SQL statement: the integration tests do not "
            "reach a real database",
            "give them the real test database (`db_session`, and a `client` fixture that takes "
            "it), rolled back after each test.",
        )
