"""Rules read from the suite's source: a mocked database, and reaching into private code."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flask_testkit.audit.findings import Finding
from flask_testkit.audit.suite_source import (
    Function,
    FunctionNode,
    SourceFile,
    SuiteSource,
    dotted,
    resolved,
)

# Parts of a patched name that make it the database: the engine, the session, a query.
_DATABASE_PARTS = frozenset(
    {"engine", "get_engine", "create_engine", "scoped_session", "sessionmaker", "query"}
)
_DATABASE_OBJECTS = frozenset({"db", "_db", "database"})
_SESSION_METHODS = frozenset(
    {
        "commit",
        "add",
        "add_all",
        "flush",
        "execute",
        "scalar",
        "scalars",
        "get",
        "delete",
        "rollback",
        "query",
        "merge",
        "refresh",
    }
)
# A `Session` of these is HTTP, not a database.
_NOT_DATABASES = frozenset({"requests", "httpx", "aiohttp", "urllib3", "boto3", "botocore"})
_MOCKS = frozenset({"Mock", "MagicMock", "AsyncMock", "NonCallableMock", "create_autospec"})


def is_database_name(name: str) -> bool:
    """Whether a dotted name (a patch target) is the database: its session, engine or queries."""
    parts = name.split(".")
    if parts[0] in _NOT_DATABASES:
        return False
    lowered = [part.lower() for part in parts]
    if _DATABASE_PARTS.intersection(lowered) or lowered[-1] in _DATABASE_OBJECTS:
        return True
    for index, part in enumerate(lowered):
        if part == "session":
            before = lowered[index - 1] if index else ""
            after = lowered[index + 1] if index + 1 < len(lowered) else ""
            if before in _DATABASE_OBJECTS or after in _SESSION_METHODS:
                return True
    return False


def _name_of(node: ast.expr, source: SourceFile) -> str:
    return resolved(node, source) or dotted(node) or ast.unparse(node)


def _patched_names(call: ast.Call, source: SourceFile) -> Iterator[str]:
    """The names a patch, patch.object, monkeypatch.setattr or mock spec call replaces."""
    func = dotted(call.func) or ""
    args = call.args
    last = func.rsplit(".", 1)[-1]
    if func.endswith("patch.object") or (last == "setattr" and len(args) >= 3):
        if len(args) >= 2 and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str):
            yield f"{_name_of(args[0], source)}.{args[1].value}"
    elif last in ("patch", "setattr") and args:
        first = args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield first.value
    elif last in _MOCKS:
        for keyword in call.keywords:
            if keyword.arg in ("spec", "spec_set"):
                yield _name_of(keyword.value, source)
        if last == "create_autospec" and args:
            yield _name_of(args[0], source)


def _mock_assignments(node: ast.AST, source: SourceFile) -> Iterator[tuple[ast.AST, str]]:
    """`db.session = MagicMock()`: a database name set to a mock by hand."""
    for child in ast.walk(node):
        if isinstance(child, ast.Assign) and isinstance(child.value, ast.Call):
            called = (dotted(child.value.func) or "").rsplit(".", 1)[-1]
            if called in _MOCKS:
                for target in child.targets:
                    if isinstance(target, ast.Attribute):
                        yield child, _name_of(target, source)


def _why_in_scope(function: Function, suite: SuiteSource) -> str | None:
    if function.file.area == "integration":
        return "an integration test" if function.is_test else "a fixture of integration tests"
    if "client" in function.params or "client" in suite.closure(function.params):
        return "a test that sends requests with `client`"
    return None


def mocked_database(suite: SuiteSource) -> Iterator[Finding]:
    """Patches of db.session, the engine or Model.query where requests meet the database."""
    for function in suite.functions():
        where = _why_in_scope(function, suite)
        if where is None:
            continue
        found: list[tuple[ast.AST, str]] = []
        for node in [*function.node.decorator_list, *function.node.body]:
            for child in ast.walk(node):
                if isinstance(child, ast.Call):
                    found += [(child, name) for name in _patched_names(child, function.file)]
            found += list(_mock_assignments(node, function.file))
        seen: set[tuple[int, str]] = set()
        for node, name in found:
            line = int(getattr(node, "lineno", function.node.lineno))
            if is_database_name(name) and (line, name) not in seen:
                seen.add((line, name))
                yield Finding(
                    "mocked-database",
                    function.file.rel,
                    line,
                    f"`{name}` is replaced by a mock in {where} ({function.node.name})",
                )


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and len(name) > 1


def _is_factory_call(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = dotted(node.func) or ""
    parts = name.split(".")
    return any(part.endswith("Factory") for part in parts)


def _app_objects(function: FunctionNode, source: SourceFile, suite: SuiteSource) -> dict[str, str]:
    """Local names bound to what the app's own code (or a factory of its models) returned.

    Each maps to the dotted name of what made it: the app's class, or "" for a factory.
    """
    bound: dict[str, str] = {}
    for child in ast.walk(function):
        if isinstance(child, ast.Assign) and isinstance(child.value, ast.Call):
            # A class of the app's (`UserService()`), not a function: `create_app()` gives Flask's
            # own object, whose internals are Flask's rather than the app's.
            callee = resolved(child.value.func, source) or ""
            is_app_class = suite.is_app_name(callee) and callee.rsplit(".", 1)[-1][:1].isupper()
            if _is_factory_call(child.value) or is_app_class:
                maker = "" if _is_factory_call(child.value) else callee
                bound |= {t.id: maker for t in child.targets if isinstance(t, ast.Name)}
    return bound


def _defines_factories(source: SourceFile) -> bool:
    """A module of Factory Boy factories: a class whose base is a `*Factory`."""
    return any(
        isinstance(node, ast.ClassDef)
        and any((dotted(base) or "").endswith("Factory") for base in node.bases)
        for node in source.tree.body
    )


def _shadowed(function: FunctionNode | None) -> set[str]:
    if function is None:
        return set()
    args = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
    return {arg.arg for arg in args}


def _private_uses(
    scope: ast.AST, function: FunctionNode | None, source: SourceFile, suite: SuiteSource
) -> Iterator[tuple[int, str, str]]:
    shadowed = _shadowed(function)
    objects = _app_objects(function, source, suite) if function is not None else {}
    # Building a row as it is stored is what factories are for: a mapped column is the row's
    # data (a hash the model's own setter made, say), not an internal of the app's behaviour.
    builds_rows = _defines_factories(source)
    for child in ast.walk(scope):
        if not isinstance(child, ast.Attribute) or not _is_private(child.attr):
            continue
        root = child.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            continue
        owner = ast.unparse(child.value)
        if root.id in objects and not child.attr.startswith("_sa_"):
            maker = objects[root.id]
            row_column = bool(maker) and suite.maps_column(maker, child.attr)
            if not (builds_rows and root is child.value and row_column):
                yield child.lineno, child.attr, f"`{owner}` (made by the app's code)"
        elif root.id not in shadowed:
            name = resolved(child.value, source) or ""
            # `db._make_scoped_session` is Flask-SQLAlchemy's, though `db` is the app's.
            own = name and suite.is_app_name(name) and suite.defines(name, child.attr)
            if own and not (builds_rows and suite.maps_column(name, child.attr)):
                yield child.lineno, child.attr, f"`{name}`"


def private_internals(suite: SuiteSource) -> Iterator[Finding]:
    """Private names of the app's own code that tests import, call or read."""
    for source in suite.files:
        seen: set[tuple[int, str]] = set()
        for node in ast.walk(source.tree):
            if isinstance(node, ast.ImportFrom) and not node.level:
                module = node.module or ""
                for alias in node.names:
                    if suite.is_app_name(module) and _is_private(alias.name):
                        seen.add((node.lineno, alias.name))
                        yield Finding(
                            "private-internals",
                            source.rel,
                            node.lineno,
                            f"imports the private `{alias.name}` from `{module}`",
                        )
        scopes: list[tuple[ast.AST, FunctionNode | None]] = [
            (node, node) for node in ast.walk(source.tree) if isinstance(node, FunctionNode)
        ]
        module_level = [
            n for n in source.tree.body if not isinstance(n, (FunctionNode, ast.ClassDef))
        ]
        scopes += [(node, None) for node in module_level]
        for scope, function in scopes:
            for line, attr, owner in _private_uses(scope, function, source, suite):
                if (line, attr) not in seen:
                    seen.add((line, attr))
                    yield Finding(
                        "private-internals",
                        source.rel,
                        line,
                        f"uses the private `{attr}` of {owner}",
                    )
