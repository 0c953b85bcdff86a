"""Assemble the test modules: integration tests by blueprint, and the unit tests."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from ..cases import case_name
from ..code import Imports, snake
from ..planning.auth import AuthSpec
from ..planning.endpoint_plans import EndpointPlan
from ..planning.factory_specs import FactorySpec
from ..reading.app_loading import AppTarget
from ..reading.models import ModelScan
from .assertions import AssertionWriter
from .case_code import render_case
from .model_tests import ModelCheck, render_check
from .renderer import Renderer


def file_group(endpoint_blueprint: str | None, target: AppTarget) -> str:
    if endpoint_blueprint:
        return snake(endpoint_blueprint.rsplit(".", 1)[-1])
    return snake(target.module.split(".")[-1])


def integration_module_name(group: str) -> str:
    """test_<group>_api.py, without saying "api" twice when the group is already named so."""
    return (
        f"test_{group}.py" if group == "api" or group.endswith("_api") else f"test_{group}_api.py"
    )


def integration_files(
    renderer: Renderer,
    plans: list[EndpointPlan],
    auth: AuthSpec | None,
    scan: ModelScan | None,
    out: Path,
    factories_module: str,
    target: AppTarget,
) -> dict[Path, str]:
    groups: dict[str, list[EndpointPlan]] = defaultdict(list)
    for plan in plans:
        groups[file_group(plan.endpoint.blueprint, target)].append(plan)
    model_modules = {m.name: m.cls.__module__ for m in scan.models} if scan else {}
    files = {}
    for group, members in sorted(groups.items()):
        writer = AssertionWriter(frozenset(model_modules))
        taken: set[str] = set()
        functions, factories, models, password = [], set(), set(), False

        for plan in members:
            for case in plan.cases:
                case.name = case_name(case, taken)
                rendered = render_case(case, auth, writer, scan is not None)
                functions.append(rendered.source)
                factories |= rendered.factories
                models |= rendered.models
                password = password or rendered.uses_password
        if not functions:
            continue
        imports = Imports()
        if any("@pytest" in f for f in functions):
            imports.add("pytest")
        for name in factories:
            imports.add(factories_module, name)
        if password:
            imports.add(factories_module, "TEST_PASSWORD")
        for name in models:
            imports.add(model_modules[name], name)
        for module, imported in writer.imports:
            if module != "__models__":
                imports.add(module, imported)
        docstring = f"The {group} endpoints: a happy path and the error cases the app answers."
        files[out / "integration" / integration_module_name(group)] = renderer.render(
            "test_module.py.jinja",
            docstring=docstring,
            imports=renderer.imports(imports),
            functions=functions,
        )
    return files


def factory_tests(
    renderer: Renderer, specs: list[FactorySpec], factories_module: str
) -> str | None:
    # A factory whose rows are refused is named in the summary, not tested as if it worked.
    specs = [spec for spec in specs if spec.refused is None]
    if not specs:
        return None
    imports = Imports()
    imports.add("pytest")
    imports.add("sqlalchemy", "inspect")
    for spec in specs:
        imports.add(factories_module, spec.name)
    password_factory = next((s for s in specs if s.password_attribute and checker(s)), None)
    context: dict[str, Any] = {"specs": specs, "password_factory": password_factory}
    if password_factory is not None:
        imports.add(factories_module, "TEST_PASSWORD")
        var = snake(password_factory.model.name)
        context["password_var"] = var
        context["password_check"] = f"{var}.{checker(password_factory)}(TEST_PASSWORD)"
    return renderer.render("test_factories.py.jinja", imports=renderer.imports(imports), **context)


def checker(spec: FactorySpec) -> str | None:
    for name in ("check_password", "verify_password", "password_matches", "check_pw"):
        if callable(getattr(spec.model.cls, name, None)):
            return name
    return None


def model_tests(renderer: Renderer, checks: list[ModelCheck], factories_module: str) -> str | None:
    rendered = [test for test in map(render_check, checks) if test is not None]
    if not rendered:
        return None
    imports = Imports()
    for test in rendered:
        imports.add(factories_module, test.factory)
        for module, name in test.imports:
            imports.add(module, name)
    return renderer.render(
        "test_models.py.jinja",
        imports=renderer.imports(imports),
        functions=[test.source for test in rendered],
    )
