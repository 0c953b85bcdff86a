"""`flask-testkit init` from end to end: load, read, probe, plan, render, write."""

from __future__ import annotations

import ast
import os
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from flask.cli import load_dotenv

from .errors import GeneratorError
from .planning.auth import detect_auth
from .planning.coverage_search import SECONDS_PER_ENDPOINT, CoverageSearch, SearchReport
from .planning.endpoint_plans import EndpointPlan, Planner
from .planning.exemptions import exemption_lines
from .planning.factory_specs import build_factory_specs
from .planning.service_cases import ServiceCases
from .probing.command_stage import probe_commands
from .probing.data_access import layer_engines, leave_out_touched, probe_guard
from .probing.line_meter import LineMeter
from .probing.probe_database import (
    Isolated,
    allowed_database_address,
    probes_on_sqlite,
    probing_database,
    shared_session_isolated,
    with_own_files,
)
from .probing.prober import Prober
from .probing.row_trials import Loader, app_refusals, settle_factories
from .probing.sandbox import network_blocked
from .probing.service_calls import ServiceRecorder
from .progress import Progress
from .reading.app_files import ScratchCopy, cwd_writes, empty_working_directory, scratch_copy
from .reading.app_loading import AppTarget, load_app
from .reading.app_packages import app_packages, service_functions, untested_services
from .reading.builds import development_rules, rebuild_differs, setup_lines
from .reading.data_layer import detect_data_layer
from .reading.environment import conftest_environment, recording_environment
from .reading.file_database import find_file_database
from .reading.models import ModelScan, scan_models
from .reading.routes import development_pages, discover_endpoints, framework_pages
from .rendering.command_tests import command_tests
from .rendering.model_tests import collect_checks, untested_methods
from .rendering.renderer import SHARED_SESSION, Renderer, format_sources
from .rendering.service_tests import service_tests
from .rendering.suite_files import factory_tests, integration_files, model_tests
from .writing.files import check_writable


@dataclass
class Options:
    """What the user asked for."""

    app: str
    out: Path
    root: Path
    timeout: float = 2.0
    # Seconds for the coverage-guided search; None: SECONDS_PER_ENDPOINT for each endpoint.
    budget: float | None = None


@dataclass
class Suite:
    """The generated suite, before it is written."""

    files: dict[Path, str]
    plans: list[EndpointPlan]
    notes: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    target: AppTarget | None = None
    out: Path = Path("tests")
    root: Path = Path()
    probes: int = 0
    model_methods: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)  # how init ran the app, and what it kept out
    # Tables whose rows a database refuses for a value the app's own code makes, and why.
    app_refusals: dict[str, str] = field(default_factory=dict)
    # Files to use instead when the suite cannot even start with the ones above.
    fallback: dict[Path, str] = field(default_factory=dict)
    search: SearchReport | None = None

    @property
    def test_count(self) -> int:
        """How many tests the suite holds, each parametrized case one, as pytest counts them."""
        return sum(tests_in(source) for path, source in self.files.items() if path.suffix == ".py")


def build_suite(
    options: Options,
    force: bool = False,
    update: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Suite:
    """Everything `init` writes, as path -> source; the app runs in a copy, with no sockets."""
    progress = progress or Progress()
    progress.stage("reading the app")
    out = options.out if options.out.is_absolute() else (options.root / options.out).resolve()
    # The app is loaded and probed from a scratch copy of the project, so whatever it writes
    # (logs, instance/, uploads, bytecode) lands there; every socket but the test database's
    # is refused, loopback included.
    with (
        probes_on_sqlite(),
        scratch_copy(options.root, leave_out=out) as copy,
        network_blocked(allowed_database_address()) as refused,
        recording_environment(copy.copy) as reads,
    ):
        # As `flask run` does: .flaskenv and .env (with python-dotenv), without overriding.
        load_dotenv()
        with empty_working_directory(copy):
            suite = _build_suite(options, copy, reads, force, update, dry_run, progress)
        target = suite.target
        assert target is not None
        suite.files = format_sources(suite.files, target.root)
        suite.fallback = format_sources(suite.fallback, target.root)
    suite.setup = setup_lines(target, refused, suite.setup)
    return suite


def _build_suite(
    options: Options,
    copy: ScratchCopy,
    reads: dict[str, str | None],
    force: bool,
    update: bool,
    dry_run: bool,
    progress: Progress,
) -> Suite:
    loaded_from = copy.copy
    app, target = load_app(options.app, loaded_from)
    setup = []
    if target.loaded_root.is_relative_to(loaded_from):
        target.root = options.root.resolve() / target.loaded_root.relative_to(loaded_from)
    else:
        setup.append(
            f"the app was imported from {target.loaded_root}, not from a copy of this folder:"
            " files it writes while it starts may land there"
        )
    if target.is_factory:
        target.single_build = rebuild_differs(options.app, app)
    root = target.root
    out = options.out if options.out.is_absolute() else (options.root / options.out).resolve()
    # A dry run writes nothing, so it may show the diff against files that exist.
    check_writable(out, force or dry_run, update)
    # The guide's layout: a `tests` package beside the app. Anywhere else, the suite is plain
    # folders whose conftest makes the app importable.
    in_guide_layout = out.parent == root and out.name.isidentifier()
    factories_module = f"{out.name}.factories" if in_guide_layout else "factories"
    app_folder = None if in_guide_layout else os.path.relpath(root, out)
    scan = scan_models(app, target.loaded_root)
    target.packages = app_packages(app, scan, target.module, target.loaded_root)
    if scan is None:
        # Without SQLAlchemy, data may still live in a file the config names: tests get their own.
        target.database_file = find_file_database(app)
    layer = detect_data_layer(
        app,
        target.loaded_root,
        scan.library if scan else None,
        layer_engines(app, scan),
        target.database_file is not None,
    )
    if layer.unsupported:
        # A file the config names is only the test's own if nothing else opened it already.
        target.database_file = None
    specs = build_factory_specs(scan, app) if scan else []
    renderer = Renderer(target, factories_module, scan, app_folder)
    if scan is not None and not scan.imports:
        raise GeneratorError(
            "found Flask-SQLAlchemy but not where `db` is importable from; "
            "define it at module level, e.g. in extensions.py."
        )
    files: dict[Path, str] = {}
    if in_guide_layout:
        for folder in (out, out / "integration", out / "unit"):
            files[folder / "__init__.py"] = ""
    factories_source: str | None = None
    renderer.unisolated = ", ".join(layer.unsupported) or None
    notes: list[str] = [line for line in [layer.summary_line()] if line]
    with ExitStack() as stack:
        probe_app, isolated = stack.enter_context(probing_database(scan, target, app, copy))
        endpoints = discover_endpoints(probe_app)
        left_out = development_rules(app, probe_app) + development_pages(probe_app)
        factories = None
        if scan is not None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ftk-factories-")))
            isolation = _isolation(probe_app, isolated)
            loader = Loader(
                renderer.factories, lambda source: import_factories(source, folder), isolation
            )
            notes += settle_factories(specs, loader)
            factories_source = renderer.factories(specs)
            factories = import_factories(factories_source, folder)
            # Probes share the session the generated tests share, as the suite's db_session does.
            isolated = isolation(factories)
        isolated = with_own_files(probe_app, target, isolated)
        guard = probe_guard(probe_app, scan, target)
        prober = Prober(probe_app, isolated, factories, options.timeout, guard)
        auth, auth_notes = detect_auth(probe_app, scan, endpoints, prober)
        notes += auth_notes
        prober.auth = auth
        planner = Planner(scan, prober, auth)
        recorder = ServiceRecorder(service_functions(target), target.packages)
        recorder.install()
        prober.services = recorder
        try:
            with progress.steps("probing", len(endpoints), "endpoints") as advance:
                plans = []
                for endpoint in endpoints:
                    plans.append(planner.plan(endpoint))
                    advance()
        finally:
            recorder.uninstall()
            prober.services = None
        _add_not_allowed(planner, plans)
        search = _search(options, planner, plans, scan, factories, target, progress)
        models = [(m.name, m.cls) for m in scan.models] if scan else []
        services = ServiceCases(prober, models, auth).build(plans) if scan and factories else []
        leave_out_touched(plans, prober.touched)
        command_runs = probe_commands(
            probe_app, target, scan, isolated, factories, copy, reads, options.timeout, progress
        )
        notes += command_runs.notes
        checks = collect_checks(scan, factories, isolated) if scan and factories else []
    if factories_source is not None:
        files[out / "factories.py"] = factories_source
        factory_checks = factory_tests(renderer, specs, factories_module)
        if factory_checks is not None:
            files[out / "unit" / "test_factories.py"] = factory_checks
        unit_models = model_tests(renderer, checks, factories_module)
        if unit_models:
            files[out / "unit" / "test_models.py"] = unit_models
    target.environment = conftest_environment(reads)
    # Written at build time, before the per-test folders exist: the run's own folder instead.
    unset = {name for name, value in reads.items() if value is None}
    target.build_files = [s for s in target.files if s.key in target.built_files & unset]
    target.cwd_writes = sorted(set(cwd_writes(copy)) | prober.cwd_written)
    exemptions = exemption_lines(plans)
    files[out / "conftest.py"] = renderer.conftest(auth, exemptions)
    fallback = {}
    if target.build_files:
        # Setting those variables may break the app's own config (a Path joined with `/`): a
        # conftest without them is kept, for verification to fall back on.
        kept, target.build_files = target.build_files, []
        fallback[out / "conftest.py"] = renderer.conftest(auth, exemptions)
        target.build_files = kept
    files.update(integration_files(renderer, plans, auth, scan, out, factories_module, target))
    model_modules = {m.name: m.cls.__module__ for m in scan.models} if scan else {}
    files.update(service_tests(renderer, services, model_modules, factories_module, out / "unit"))
    commands = command_tests(renderer, command_runs.runs, model_modules, factories_module)
    if commands is not None:
        files[out / "integration" / "test_commands.py"] = commands
    for spec in specs:
        notes += [f"{spec.name}: {skip}" for skip in spec.skipped]
    if left_out:
        notes.append("routes of the development build only, left out: " + ", ".join(left_out))
    pages = framework_pages(probe_app)
    if pages:
        notes.append("the API framework's own docs pages, left to it: " + ", ".join(pages))
    if scan and scan.association_tables:
        notes.append(
            "association tables filled through relationships only: "
            + ", ".join(scan.association_tables)
        )
    suite = Suite(
        files,
        plans,
        notes,
        untested_services(target, services),
        target,
        out,
        options.root,
        prober.count,
        untested_methods(checks),
        setup,
        app_refusals(specs),
        fallback,
        search,
    )
    return suite


def _search(
    options: Options,
    planner: Planner,
    plans: list[EndpointPlan],
    scan: ModelScan | None,
    factories: ModuleType | None,
    target: AppTarget,
    progress: Progress,
) -> SearchReport | None:
    budget = options.budget
    if budget is None:
        budget = SECONDS_PER_ENDPOINT * len(plans)
    if budget <= 0 or not plans:
        return None
    progress.stage("searching for requests that run the lines no case ran")
    models = {m.name: m.cls for m in scan.models} if scan else {}
    names = set(vars(factories)) if factories is not None else set()
    meter = LineMeter(target.loaded_root)
    return CoverageSearch(planner, meter, models, names, budget).run(plans)


def tests_in(source: str) -> int:
    """The tests a module's source holds: its test functions, times their parameter lists."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source.count("\ndef test_")
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            cases = 1
            for decorator in node.decorator_list:
                arguments = decorator.args if isinstance(decorator, ast.Call) else []
                named = ast.unparse(decorator.func) if isinstance(decorator, ast.Call) else ""
                if named.endswith("mark.parametrize") and len(arguments) > 1:
                    values = arguments[1]
                    if isinstance(values, ast.List | ast.Tuple):
                        cases *= max(len(values.elts), 1)
            count += cases
    return count


def import_factories(source: str, folder: Path) -> ModuleType:
    """The rendered factories module, run from source, with folder/factories.py as its file."""
    path = folder / "factories.py"
    # The file is for tracebacks only. Trials rewrite it many times a second, and an import
    # from it could run the bytecode of an earlier version of the same size.
    path.write_text(source)
    module = ModuleType("_flask_testkit_probe_factories")
    module.__file__ = str(path)
    try:
        exec(compile(source, str(path), "exec"), module.__dict__)
    except Exception as error:
        raise GeneratorError(
            f"the generated factories failed to import ({type(error).__name__}: {error}); "
            "please report this with your models."
        ) from None
    return module


def _isolation(app: Any, isolated: Isolated) -> Callable[[ModuleType], Isolated]:
    """The rolled-back block for a factories module: its shared session's, or the probes'."""

    def isolation(module: ModuleType) -> Isolated:
        if hasattr(module, SHARED_SESSION):
            return shared_session_isolated(app, getattr(module, SHARED_SESSION))
        return isolated

    return isolation


def _add_not_allowed(planner: Planner, plans: list[EndpointPlan]) -> None:
    seen: set[str] = set()
    for plan in plans:
        if plan.endpoint.rule in seen or plan.endpoint.redirect_to is not None:
            continue
        seen.add(plan.endpoint.rule)
        case = planner.not_allowed(plan.endpoint)
        if case is not None:
            plan.cases.append(case)
