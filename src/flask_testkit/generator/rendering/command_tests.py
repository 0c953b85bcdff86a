"""`tests/integration/test_commands.py`: the app's own `flask` commands, run as a user would."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..code import Code, Imports, snake, string

if TYPE_CHECKING:
    from ..probing.command_probes import CommandRun
    from .renderer import Renderer

# Models whose row count one test asserts, at most.
_MAX_COUNTS = 4


def command_tests(
    renderer: Renderer,
    runs: list[CommandRun],
    model_modules: dict[str, str],
    factories_module: str,
) -> str | None:
    """The test module for the runs that were seen to work; None when there are none."""
    if not runs:
        return None
    imports = Imports()
    functions = []
    taken: set[str] = set()
    for run in runs:
        source, used = _function(run, bool(model_modules), taken)
        functions.append(source)
        for name in used:
            imports.add(model_modules[name], name)
        if any(isinstance(a, Code) for a in run.arguments):
            imports.add(factories_module, "TEST_PASSWORD")
    if any("select(" in f for f in functions):
        imports.add("sqlalchemy", "func")
        imports.add("sqlalchemy", "select")
    return renderer.render(
        "test_module.py.jinja",
        docstring="The app's own `flask` commands, run on the test database as a user runs them.",
        imports=renderer.imports(imports),
        functions=functions,
    )


def _function(run: CommandRun, has_db: bool, taken: set[str]) -> tuple[str, list[str]]:
    name = _name(run, taken)
    # `flask` pushes an app context for every command; the test runner only does for those
    # made with `app.cli.command`, so a test without db_session (which pushes one) does it.
    fixtures = "runner, db_session" if has_db else "app, runner"
    args = ", ".join(a.source if isinstance(a, Code) else string(a) for a in _args(run))
    # An exception the command raises reaches the test as itself, not as an exit code: a
    # database that refuses what the command stores is then named, on that database only.
    invoke = (
        f"runner.invoke(args=[{args}]"
        + (f", input={string(run.input)}" if run.input else "")
        + ", catch_exceptions=False)"
    )
    lines = [f"def {name}({fixtures}):", f'    """{_docstring(run)}"""']
    calls = [invoke, f"result = {invoke}"] if run.variant == "twice" else [f"result = {invoke}"]
    if has_db:
        lines += [f"    {call}" for call in calls]
    else:
        lines += ["    with app.app_context():", *(f"        {call}" for call in calls)]
    lines.append("")
    lines.append(f"    assert result.exit_code == {run.exit_code}, result.output")
    lines += [f"    assert {string(line)} in result.output" for line in run.lines]
    counted = [(model, count) for model, count in sorted(run.counts.items()) if count]
    if has_db and run.exit_code == 0:
        for model, count in counted[:_MAX_COUNTS]:
            count_query = f"select(func.count()).select_from({model})"
            lines.append(f"    assert db_session.scalar({count_query}) == {count}")
    used = [model for model, _ in counted[:_MAX_COUNTS]] if has_db and run.exit_code == 0 else []
    return "\n".join(lines), used


def _args(run: CommandRun) -> list[str | Code]:
    return [*run.spec.path, *run.arguments]


def _name(run: CommandRun, taken: set[str]) -> str:
    base = "test_" + "_".join(snake(part.replace("-", "_")) for part in run.spec.path) + "_command"
    variant = snake(run.variant.lstrip("-").replace("-", "_")) if run.variant else ""
    if run.variant.startswith("--"):
        variant = "with_" + variant
    name = f"{base}_{variant}" if variant else base
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name}_{n}", n + 1
    taken.add(unique)
    return unique


def _docstring(run: CommandRun) -> str:
    flag = run.variant.split("_")[0] if run.variant.startswith("--") else ""
    shown = f"`{run.spec.label}{' ' + flag if flag else ''}`"
    if run.variant.endswith("declined"):
        return f"{shown} stops when its question is answered no."
    if run.variant == "twice":
        return f"{shown} run a second time."
    return f"{shown} runs and reports what it did."
