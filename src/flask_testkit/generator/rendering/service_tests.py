"""`tests/unit/test_<service>.py`: each service function called as the endpoints called it."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..code import Code, Imports, literal, snake, string
from .assertions import SortedKeys

if TYPE_CHECKING:
    from ..planning.service_cases import ServiceCase
    from .renderer import Renderer

_MAX_COUNTS = 3
_MAX_KEYS = 6


def service_tests(
    renderer: Renderer,
    cases: list[ServiceCase],
    model_modules: dict[str, str],
    factories_module: str,
    unit: Path,
) -> dict[Path, str]:
    """One test module per service module, named after it."""
    by_module: dict[str, list[ServiceCase]] = defaultdict(list)
    for case in cases:
        by_module[case.call.module].append(case)
    files = {}
    for module, members in sorted(by_module.items()):
        parent, _, last = module.rpartition(".")
        imports = Imports()
        if parent:
            imports.add(parent, last)
        else:
            imports.add(last)
        taken: set[str] = set()
        functions = [
            _function(case, last, taken, imports, model_modules, factories_module)
            for case in members
        ]
        files[unit / f"test_{snake(last)}.py"] = renderer.render(
            "test_module.py.jinja",
            docstring=f"`{module}`, called as the app's endpoints call it.",
            imports=renderer.imports(imports),
            functions=functions,
        )
    return files


def _function(
    case: ServiceCase,
    module: str,
    taken: set[str],
    imports: Imports,
    model_modules: dict[str, str],
    factories_module: str,
) -> str:
    name = case.call.name
    result = "raises_" + snake(case.error.__name__) if case.error is not None else "works"
    base = f"test_{name}{case.subject}_{result}"
    unique, n = base, 2
    while unique in taken:
        unique, n = f"{base}_{n}", n + 1
    taken.add(unique)
    lines = [f"def {unique}(db_session):"]
    later = repr([case.args, case.kwargs, [s.kwargs for s in case.setups]])
    for setup in case.setups:
        imports.add(factories_module, setup.factory)
        kwargs = ", ".join(f"{k}={literal(v)}" for k, v in setup.kwargs.items())
        made = (
            f"{setup.factory}.create_batch({setup.batch}{', ' + kwargs if kwargs else ''})"
            if setup.batch
            else f"{setup.factory}({kwargs})"
        )
        used = setup.delete or re.search(rf"\b{setup.var}\b", later)
        lines.append(f"    {setup.var} = {made}" if used else f"    {made}")
        if setup.delete:
            lines += [f"    db_session.delete({setup.var})", "    db_session.flush()"]
    arguments = [literal(a) for a in case.args]
    arguments += [f"{k}={literal(v)}" for k, v in case.kwargs.items()]
    if _uses_password(case):
        imports.add(factories_module, "TEST_PASSWORD")
    call = f"{module}.{name}({', '.join(arguments)})"
    if lines[1:]:
        lines.append("")
    if case.error is not None:
        imports.add(case.error.__module__, case.error.__name__)
        imports.add("pytest")
        lines += [f"    with pytest.raises({case.error.__name__}):", f"        {call}"]
        return "\n".join(lines)
    lines += [f"    result = {call}", ""]
    lines += [f"    {line}" for line in _result_lines(case, imports, model_modules)]
    for model, count in sorted(case.counts.items())[:_MAX_COUNTS]:
        imports.add(model_modules[model], model)
        imports.add("sqlalchemy", "func")
        imports.add("sqlalchemy", "select")
        query = f"select(func.count()).select_from({model})"
        lines.append(f"    assert db_session.scalar({query}) == {count}")
    return "\n".join(lines)


def _result_lines(case: ServiceCase, imports: Imports, model_modules: dict[str, str]) -> list[str]:
    if case.row_model is not None and case.row_model in model_modules:
        imports.add(model_modules[case.row_model], case.row_model)
        return [f"assert isinstance(result, {case.row_model})"]
    if case.stable and case.result is None:
        return ["assert result is None"]
    if case.stable:
        return [f"assert result == {literal(case.result)}"]
    if case.length is not None:
        return [f"assert len(result) == {case.length}"]
    lines = []
    if case.keys is not None:
        lines.append(f"assert set(result) == {SortedKeys(dict.fromkeys(case.keys))!r}")
        sent = _sent_values(case)
        for key, value in list(case.stable_keys.items())[:_MAX_KEYS]:
            if value in sent:
                lines.append(f"assert result[{string(key)}] == {literal(value)}")
    return lines or ["assert result is not None"]


def _sent_values(case: ServiceCase) -> list[Any]:
    values: list[Any] = []
    for arg in [*case.args, *case.kwargs.values()]:
        if isinstance(arg, dict):
            values += [v for v in arg.values() if not isinstance(v, Code)]
        elif not isinstance(arg, Code):
            values.append(arg)
    return values


def _uses_password(case: ServiceCase) -> bool:
    return "TEST_PASSWORD" in repr([case.args, case.kwargs, [s.kwargs for s in case.setups]])
