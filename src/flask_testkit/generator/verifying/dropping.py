"""Leave tests out of a rendered module: the function with its decorators, then unused imports."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from ..rendering.renderer import format_sources, ruff_command

# (class or None, function): how a test is named inside its module.
TestName = tuple[str | None, str]


def _span(node: ast.stmt, lines: list[str]) -> tuple[int, int]:
    """0-based [start, end) of a definition, its decorators and the comments just above it."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)]) - 1
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return start, node.end_lineno or node.lineno


def _is_test(node: ast.stmt) -> bool:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")


def without_tests(source: str, names: set[TestName]) -> str:
    """source less the named test functions; a class left with no test goes too."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    spans = []
    for node in tree.body:
        if _is_test(node) and (None, node.name) in names:  # type: ignore[attr-defined]
            spans.append(_span(node, lines))
        elif isinstance(node, ast.ClassDef):
            tests = [n for n in node.body if _is_test(n)]
            dropped = [n for n in tests if (node.name, n.name) in names]  # type: ignore[attr-defined]
            if tests and len(dropped) == len(tests):
                spans.append(_span(node, lines))
            else:
                spans += [_span(n, lines) for n in dropped]
    for start, end in sorted(spans, reverse=True):
        del lines[start:end]
    return "".join(lines)


def defined_tests(source: str) -> set[TestName]:
    """The tests a module defines, by class and name."""
    found: set[TestName] = set()
    for node in ast.parse(source).body:
        if _is_test(node):
            found.add((None, node.name))  # type: ignore[attr-defined]
        elif isinstance(node, ast.ClassDef):
            found |= {(node.name, n.name) for n in node.body if _is_test(n)}  # type: ignore[attr-defined]
    return found


def tidy(path: Path, source: str, cwd: Path) -> str:
    """source with the imports nothing uses any more removed, then formatted as init formats."""
    command = ruff_command()
    if command is None:
        return source
    # Only F401, and none of the project's settings: the module is ours, and --update merges
    # it into the user's file afterwards without touching their lines.
    result = subprocess.run(
        [
            *command,
            *("check", "--isolated", "--no-cache", "--select", "F401", "--fix", "--exit-zero"),
            *("--quiet", "--stdin-filename", str(path), "-"),
        ],
        input=source,
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    fixed = result.stdout if result.returncode == 0 and result.stdout else source
    return format_sources({path: fixed}, cwd)[path]


def with_markers(source: str, markers: dict[TestName, str], imports: set[tuple[str, str]]) -> str:
    """source with a decorator line put on each named test, and the imports it needs."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    inserts: list[tuple[int, str]] = []
    for node in tree.body:
        found: list[tuple[str | None, ast.stmt]] = [(None, node)] if _is_test(node) else []
        if isinstance(node, ast.ClassDef):
            found = [(node.name, n) for n in node.body if _is_test(n)]
        for cls, test in found:
            marker = markers.get((cls, test.name))  # type: ignore[attr-defined]
            if marker is not None:
                # Right above the def: pytest takes the first xfail whose condition holds, in
                # that order, so this one wins over an xfail the test has everywhere.
                indent = " " * test.col_offset
                inserts.append((test.lineno - 1, f"{indent}{marker}\n"))
    for index, line in sorted(inserts, reverse=True):
        lines.insert(index, line)
    present = _imported_names(tree)
    needed = [(m, n) for m, n in sorted(imports) if n not in present]
    if "pytest" not in present:
        needed.insert(0, ("", "pytest"))
    at = max((n.end_lineno or n.lineno for n in tree.body if _is_import(n)), default=0)
    for module, name in reversed(needed):
        line = f"from {module} import {name}\n" if module else f"import {name}\n"
        lines.insert(at, line)
    return "".join(lines)


def _is_import(node: ast.stmt) -> bool:
    return isinstance(node, ast.Import | ast.ImportFrom)


def _imported_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
    return names
