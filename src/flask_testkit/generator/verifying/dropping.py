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
