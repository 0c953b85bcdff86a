"""The suite as source: its files parsed, their imports resolved, its tests and fixtures found."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask_testkit.audit.findings import AuditError

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
# Folders a suite keeps beside its tests that hold no tests of its own.
_SKIPPED_FOLDERS = frozenset({"__pycache__", ".venv", "venv", "node_modules", ".git"})


@dataclass(frozen=True)
class Function:
    """A test or fixture: its node, its parameters (fixtures), and the file it is in."""

    node: FunctionNode
    params: tuple[str, ...]
    is_test: bool
    is_fixture: bool
    file: SourceFile


@dataclass
class SourceFile:
    """One parsed file of the suite and what its names are bound to by imports."""

    path: Path
    rel: str
    tree: ast.Module
    #: local name -> dotted name it was imported as (`svc` -> `app.services.user_service`)
    imports: dict[str, str] = field(default_factory=dict)
    functions: list[Function] = field(default_factory=list)

    @property
    def is_test_file(self) -> bool:
        """A module pytest collects by default: test_*.py or *_test.py."""
        name = self.path.name
        return name.startswith("test_") or name.endswith("_test.py")

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
    tests: Path,
    app_packages: frozenset[str],
    defines: Callable[[str, str], bool] | None = None,
    maps_column: Callable[[str, str], bool] | None = None,
) -> SuiteSource:
    """Parse every .py file under tests; a file that does not parse is an AuditError."""
    if not tests.is_dir():
        raise AuditError(
            f"there is no tests folder at {tests}. Pass the suite's folder: "
            "flask-testkit audit PATH --app ..."
        )
    files = []
    for path in sorted(tests.rglob("*.py")):
        if _SKIPPED_FOLDERS.intersection(path.relative_to(tests).parts):
            continue
        files.append(_parse(path, root))
    if not any(source.is_test_file for source in files):
        raise AuditError(
            f"{tests} holds no test_*.py or *_test.py file. Pass the folder the suite is in."
        )
    suite = SuiteSource(root, tests, app_packages, files)
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


def _parse(path: Path, root: Path) -> SourceFile:
    rel = _relative(path, root)
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError) as error:
        raise AuditError(
            f"{rel} does not parse ({error}); fix it so pytest can import it."
        ) from None
    source = SourceFile(path, rel, tree)
    source.imports = _imports(tree, _package_of(rel))
    source.functions = list(_functions(source))
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


def _functions(source: SourceFile) -> Iterator[Function]:
    for node in source.tree.body:
        if isinstance(node, ast.ClassDef):
            is_test_class = node.name.startswith("Test")
            for member in node.body:
                if isinstance(member, FunctionNode):
                    yield _function(member, source, is_test_class)
        elif isinstance(node, FunctionNode):
            yield _function(node, source, True)


def _function(node: FunctionNode, source: SourceFile, may_be_test: bool) -> Function:
    fixture = _is_fixture(node)
    is_test = may_be_test and not fixture and node.name.startswith("test")
    return Function(node, _params(node), is_test and source.is_test_file, fixture, source)


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
