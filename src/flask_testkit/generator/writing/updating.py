"""--update: add tests for what has none, leaving every existing line alone."""

from __future__ import annotations

import ast
import re
from pathlib import Path

_HTTP_METHODS = frozenset(("get", "post", "put", "patch", "delete", "head", "options"))
# Stands for an f-string's {placeholder} in a path a test requests.
_ANY = "\x00"


def _defined_names(tree: ast.Module) -> set[str]:
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}


def _imported_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _factory_models(tree: ast.Module) -> dict[str, str]:
    """Factory class name -> the model its Meta names."""
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for inner in node.body:
            if isinstance(inner, ast.ClassDef) and inner.name == "Meta":
                for statement in inner.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(getattr(t, "id", "") == "model" for t in statement.targets)
                        and isinstance(statement.value, ast.Name)
                    ):
                        found[node.name] = statement.value.id
    return found


def requested_paths(source: str) -> list[tuple[str, str]]:
    """(METHOD, path) of every `something.get("/path")`-style call; f-string parts become _ANY."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _HTTP_METHODS
            and node.args
        ):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            path = first.value
        elif isinstance(first, ast.JoinedStr):
            path = "".join(
                str(part.value) if isinstance(part, ast.Constant) else _ANY for part in first.values
            )
        else:
            continue
        found.append((node.func.attr.upper(), path.split("?", 1)[0]))
    return found


def _segment_matches(rule_part: str, path_part: str) -> bool:
    if "<" in rule_part:
        return True
    if _ANY in path_part:
        pattern = ".*".join(re.escape(piece) for piece in path_part.split(_ANY))
        return re.fullmatch(pattern, rule_part) is not None
    return rule_part == path_part


def requested_endpoints(folder: Path, endpoints: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (METHOD, rule) endpoints that some test already in folder sends a request to."""
    requests = [
        request
        for path in sorted(folder.rglob("test*.py"))
        for request in requested_paths(path.read_text())
    ]
    tested = set()
    for method, rule in endpoints:
        rule_parts = rule.strip("/").split("/")
        for requested_method, path in requests:
            path_parts = path.strip("/").split("/")
            if (
                requested_method == method
                and len(path_parts) == len(rule_parts)
                and all(map(_segment_matches, rule_parts, path_parts))
            ):
                tested.add((method, rule))
                break
    return tested


def merge_file(existing: str, generated: str, skip: frozenset[str] = frozenset()) -> str | None:
    """existing plus the generated tests and classes it lacks; None when it lacks none.

    Names in skip are left out, as are factories for a model that one in existing already makes.
    An empty existing file gets the generated one whole, as `init` writes it.
    """
    old, new = ast.parse(existing), ast.parse(generated)
    have = _defined_names(old) | skip
    made = set(_factory_models(old).values())
    have |= {name for name, model in _factory_models(new).items() if model in made}
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
    if not existing.strip() and not skip:
        return generated
    imported = _imported_names(old)
    imports = []
    for node in new.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            missing = [a for a in node.names if (a.asname or a.name).split(".")[0] not in imported]
            if missing:
                imports.append(_import_source(node, missing))
    chunks = []
    for node in added:
        start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        # The comment just above a test says why it is what it is; it goes with it.
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        end = node.end_lineno or node.lineno
        chunks.append("\n".join(lines[start:end]))
    old_lines = existing.rstrip("\n").splitlines()
    head_end = max(
        (n.end_lineno or 0 for n in old.body if isinstance(n, ast.Import | ast.ImportFrom)),
        default=_docstring_end(old),
    )
    head, tail = old_lines[:head_end], old_lines[head_end:]
    import_nodes = [n for n in new.body if isinstance(n, ast.Import | ast.ImportFrom)]
    every_name_missing = imports == [_import_source(n, list(n.names)) for n in import_nodes]
    if imports and every_name_missing and head_end == _docstring_end(old):
        # Nothing of it imported yet: the generated block as it is, sections and blank lines kept.
        start, end = import_nodes[0].lineno - 1, import_nodes[-1].end_lineno or 0
        imports = lines[start:end]
    if imports and head and head_end == _docstring_end(old):
        imports.insert(0, "")  # a blank line between the docstring and the first import
    merged = "\n".join(head + imports + tail).strip("\n")
    body = "\n\n\n".join(chunks)
    return (merged + "\n\n\n" + body if merged else body) + "\n"


# ruff's default line length; a longer import is split one name a line, with the trailing comma
# that keeps ruff from joining it again under any line length.
_IMPORT_WIDTH = 88


def _import_source(node: ast.Import | ast.ImportFrom, names: list[ast.alias]) -> str:
    """The import of names only, as ruff formats it."""
    line = ast.unparse(type(node)(**{**node.__dict__, "names": names}))
    if len(line) <= _IMPORT_WIDTH or not isinstance(node, ast.ImportFrom):
        return line
    module = "." * node.level + (node.module or "")
    inner = "".join(f"    {ast.unparse(alias)},\n" for alias in names)
    return f"from {module} import (\n{inner})"


def _docstring_end(tree: ast.Module) -> int:
    """The last line of the module's docstring, or 0."""
    first = tree.body[0] if tree.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first.end_lineno or 0
    return 0


def merge_update(files: dict[Path, str], skip: frozenset[str] = frozenset()) -> dict[Path, str]:
    """Only new files, and existing files with what they lack appended (minus names in skip)."""
    result = {}
    for path, source in files.items():
        if not path.exists():
            result[path] = source
            continue
        if path.name == "conftest.py" or path.name == "__init__.py" or not source.strip():
            continue
        merged = merge_file(path.read_text(), source, skip)
        if merged is not None:
            result[path] = merged
    return result
