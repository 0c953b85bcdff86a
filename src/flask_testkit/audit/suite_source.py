"""The suite as source: its files parsed, their imports resolved, its tests and fixtures found."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask_testkit.audit.findings import AuditError
from flask_testkit.audit.pytest_config import PytestConfig
from flask_testkit.audit.suite_location import SuiteLocation

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
# pytest collects a unittest case whatever its name, and its methods that unittest would run.
_UNITTEST_CASES = frozenset({"TestCase", "IsolatedAsyncioTestCase"})
_UNITTEST_PREFIX = "test"
# What runs before each test of a class, as a fixture does for a function.
_SET_UPS = frozenset({"setUp", "setUpClass", "asyncSetUp", "setup_method", "setup_class"})


@dataclass(frozen=True)
class Function:
    """A test or fixture: its node, its parameters (fixtures), and the file it is in."""

    node: FunctionNode
    params: tuple[str, ...]
    is_test: bool
    is_fixture: bool
    file: SourceFile
    #: a test method's set-up methods (`setUp`, `setup_method`...), its class's and its bases'
    setups: tuple[FunctionNode, ...] = ()


@dataclass
class SourceFile:
    """One parsed file of the suite and what its names are bound to by imports."""

    path: Path
    rel: str
    tree: ast.Module
    #: whether pytest collects tests from it: it matches python_files, or is PATH itself
    is_test_file: bool = False
    #: local name -> dotted name it was imported as (`svc` -> `app.services.user_service`)
    imports: dict[str, str] = field(default_factory=dict)
    functions: list[Function] = field(default_factory=list)

    @property
    def area(self) -> str | None:
        """'integration' or 'unit' when the file is under a folder of that name."""
        parts = Path(self.rel).parts[:-1]
        for area in ("integration", "unit"):
            if area in parts:
                return area
        return None


@dataclass
class SuiteSource:
    """Every Python file under the tests folder, and the app's own top-level packages."""

    root: Path
    tests: Path
    app_packages: frozenset[str]
    files: list[SourceFile]
    #: whether the app's own code defines attribute `attr` of the object named `owner`
    defines: Callable[[str, str], bool] = lambda owner, attr: True
    #: whether attribute `attr` of the app's class named `owner` is a mapped database column
    maps_column: Callable[[str, str], bool] = lambda owner, attr: False
    _fixtures: dict[str, list[Function]] | None = field(default=None, repr=False)

    def functions(self) -> Iterator[Function]:
        """Every test and fixture of the suite."""
        for source in self.files:
            yield from source.functions

    def fixtures(self) -> dict[str, list[Function]]:
        """Fixtures by name; a name defined in several conftests has several."""
        if self._fixtures is None:
            self._fixtures = {}
            for function in self.functions():
                if function.is_fixture:
                    self._fixtures.setdefault(function.node.name, []).append(function)
        return self._fixtures

    def closure(self, params: tuple[str, ...]) -> set[str]:
        """The fixtures of the suite that these parameters reach, directly or through others."""
        fixtures = self.fixtures()
        seen: set[str] = set()
        pending = [name for name in params if name in fixtures]
        while pending:
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                for fixture in fixtures[name]:
                    pending += [p for p in fixture.params if p in fixtures and p not in seen]
        return seen

    def is_app_name(self, dotted: str) -> bool:
        """Whether a dotted import name is in one of the app's own packages."""
        return dotted.split(".")[0] in self.app_packages


def read_suite(
    root: Path,
    location: SuiteLocation,
    app_packages: frozenset[str],
    defines: Callable[[str, str], bool] | None = None,
    maps_column: Callable[[str, str], bool] | None = None,
) -> SuiteSource:
    """Parse every .py file of the suite; a file that does not parse is an AuditError."""
    files = [_parse(path, root, location.is_test_module(path)) for path in location.python_files()]
    cases = _unittest_cases(files)
    classes = _classes(files)
    for source in files:
        source.functions = list(_functions(source, location.config, cases, classes))
    suite = SuiteSource(root, location.path, app_packages, files)
    if defines is not None:
        suite.defines = defines
    if maps_column is not None:
        suite.maps_column = maps_column
    return suite


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _parse(path: Path, root: Path, is_test_file: bool) -> SourceFile:
    rel = _relative(path, root)
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError) as error:
        raise AuditError(
            f"{rel} does not parse ({error}); fix it so pytest can import it."
        ) from None
    source = SourceFile(path, rel, tree, is_test_file)
    source.imports = _imports(tree, _package_of(rel))
    return source


def _package_of(rel: str) -> str:
    return ".".join(Path(rel).parts[:-1])


def _imports(tree: ast.Module, package: str) -> dict[str, str]:
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    bound[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parents = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*filter(None, parents), *filter(None, [node.module])])
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{base}.{alias.name}".strip(".")
    return bound


def _is_fixture(node: FunctionNode) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "fixture":
            return True
    return False


def _params(node: FunctionNode) -> tuple[str, ...]:
    args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    return tuple(arg.arg for arg in args if arg.arg not in ("self", "cls"))


def _base_names(node: ast.ClassDef) -> set[str]:
    return {(dotted(base) or "").rsplit(".", 1)[-1] for base in node.bases}


def _unittest_cases(files: list[SourceFile]) -> frozenset[str]:
    """Names of the suite's classes that derive from unittest's TestCase, through others too.

    Bases are matched by name, since a suite's base case (`BaseTestCase` in tests/__init__.py)
    is often in a module that is not a test module itself.
    """
    classes = [
        node for source in files for node in ast.walk(source.tree) if isinstance(node, ast.ClassDef)
    ]
    cases = set(_UNITTEST_CASES)
    grown = True
    while grown:
        found = {node.name for node in classes if _base_names(node) & cases}
        grown = not found <= cases
        cases |= found
    return frozenset(cases)


def _classes(files: list[SourceFile]) -> dict[str, list[ast.ClassDef]]:
    """The suite's classes by name; bases are looked up by name, as for unittest cases."""
    found: dict[str, list[ast.ClassDef]] = {}
    for source in files:
        for node in ast.walk(source.tree):
            if isinstance(node, ast.ClassDef):
                found.setdefault(node.name, []).append(node)
    return found


def _set_ups(
    node: ast.ClassDef, classes: dict[str, list[ast.ClassDef]]
) -> tuple[FunctionNode, ...]:
    """The set-up methods a test of this class runs after: its own, then its bases'."""
    found: list[FunctionNode] = []
    seen: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if current.name in seen:
            continue
        seen.add(current.name)
        found += [m for m in current.body if isinstance(m, FunctionNode) and m.name in _SET_UPS]
        pending += [base for name in _base_names(current) for base in classes.get(name, [])]
    return tuple(found)


def _functions(
    source: SourceFile,
    config: PytestConfig,
    cases: frozenset[str],
    classes: dict[str, list[ast.ClassDef]],
) -> Iterator[Function]:
    for node in source.tree.body:
        if isinstance(node, ast.ClassDef):
            is_case = bool(_base_names(node) & cases)
            is_test_class = is_case or config.is_test_class(node.name)
            set_ups = _set_ups(node, classes)
            for member in node.body:
                if isinstance(member, FunctionNode):
                    if is_case:
                        named = member.name.startswith(_UNITTEST_PREFIX)
                    else:
                        named = is_test_class and config.is_test_function(member.name)
                    yield _function(member, source, named, set_ups)
        elif isinstance(node, FunctionNode):
            yield _function(node, source, config.is_test_function(node.name))


def _function(
    node: FunctionNode,
    source: SourceFile,
    named_as_test: bool,
    set_ups: tuple[FunctionNode, ...] = (),
) -> Function:
    fixture = _is_fixture(node)
    is_test = named_as_test and not fixture and source.is_test_file
    return Function(node, _params(node), is_test, fixture, source, set_ups if is_test else ())


def dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a chain of names and attributes, None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def resolved(node: ast.expr, source: SourceFile) -> str | None:
    """The dotted name of an expression with its first name replaced by what it imports."""
    name = dotted(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    imported = source.imports.get(head)
    if imported is None:
        return None
    return f"{imported}.{rest}" if rest else imported
