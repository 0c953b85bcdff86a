"""--update: add tests for what has none, leaving every existing line alone."""

from __future__ import annotations

import ast
from pathlib import Path


def _defined_names(tree: ast.Module) -> set[str]:
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}


def _imported_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def merge_file(existing: str, generated: str) -> str | None:
    """existing plus the generated tests and classes it lacks; None when it lacks none."""
    old, new = ast.parse(existing), ast.parse(generated)
    have = _defined_names(old)
    lines = generated.splitlines()
    added = [
        n
        for n in new.body
        if isinstance(n, ast.FunctionDef | ast.ClassDef)
        and n.name not in have
        and not n.name.startswith("_")
    ]
    if not added:
        return None
    imported = _imported_names(old)
    imports = []
    for node in new.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            missing = [a for a in node.names if (a.asname or a.name).split(".")[0] not in imported]
            if missing:
                imports.append(ast.unparse(type(node)(**{**node.__dict__, "names": missing})))
    chunks = []
    for node in added:
        start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        end = node.end_lineno or node.lineno
        chunks.append("\n".join(lines[start:end]))
    old_lines = existing.rstrip("\n").splitlines()
    last_import = max(
        (n.end_lineno or 0 for n in old.body if isinstance(n, ast.Import | ast.ImportFrom)),
        default=0,
    )
    head, tail = old_lines[:last_import], old_lines[last_import:]
    merged = head + imports + tail
    return "\n".join(merged) + "\n\n\n" + "\n\n\n".join(chunks) + "\n"


def merge_update(files: dict[Path, str]) -> dict[Path, str]:
    """Only new files, and existing files with what they lack appended."""
    result = {}
    for path, source in files.items():
        if not path.exists():
            result[path] = source
            continue
        if path.name == "conftest.py" or path.name == "__init__.py" or not source.strip():
            continue
        merged = merge_file(path.read_text(), source)
        if merged is not None:
            result[path] = merged
    return result
