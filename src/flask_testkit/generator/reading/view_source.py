"""What a view's code says: the body keys it reads, the session key its sign-in sets, the
constants its conditions compare with, and its code objects."""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from collections.abc import Callable, Iterator
from typing import Any

_BODY_ATTRIBUTES = {"form": "form", "values": "form", "json": "json"}
_READ_METHODS = ("get", "getlist", "pop")


class _KeyReader(ast.NodeVisitor):
    """Follows request.form / request.json / request.get_json() and names bound to them."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.keys: dict[str, str] = {}

    def source_kind(self, node: ast.expr) -> str | None:
        """ "form" or "json" when node evaluates to the request body, else None."""
        if isinstance(node, ast.Attribute) and _is_request(node.value):
            return _BODY_ATTRIBUTES.get(node.attr)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and _is_request(node.func.value)
            and node.func.attr == "get_json"
        ):
            return "json"
        if isinstance(node, ast.BoolOp):  # request.get_json() or {}
            return next((k for k in map(self.source_kind, node.values) if k), None)
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        return None

    def visit_Assign(self, node: ast.Assign) -> None:
        kind = self.source_kind(node.value)
        if kind:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.names[target.id] = kind
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        kind = self.source_kind(node.value)
        key = node.slice
        if kind and isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.keys.setdefault(key.value, kind)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in _READ_METHODS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            kind = self.source_kind(func.value)
            if kind:
                self.keys.setdefault(node.args[0].value, kind)
        self.generic_visit(node)


def _is_request(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "request"


def keys_read(view: Callable[..., Any]) -> tuple[list[str], str] | None:
    """The body keys the view reads, in order, and whether they come as a form or JSON."""
    tree = parsed_source(view)
    if tree is None:
        return None
    reader = _KeyReader()
    reader.visit(tree)
    if not reader.keys:
        return None
    kinds = set(reader.keys.values())
    return list(reader.keys), "form" if "form" in kinds else "json"


def code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    """code and the code of every function defined inside it."""
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from code_objects(const)


def parsed_source(view: Callable[..., Any]) -> ast.Module | None:
    """The source of the function under the view's decorators, parsed; None if there is none."""
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(view))))
    except (OSError, TypeError, SyntaxError):
        return None


def session_key_of(view: Callable[..., Any] | None) -> tuple[str, str] | None:
    """The session key a login view sets and the user attribute it keeps: ("user_id", "id")."""
    tree = parsed_source(view) if view is not None else None
    if tree is None:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Attribute):
            continue
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == "session"
                and isinstance(target.slice, ast.Constant)
                and isinstance(target.slice.value, str)
                and isinstance(node.value.value, ast.Name)
            ):
                return target.slice.value, node.value.attr
    return None


def compared_constants(view: Callable[..., Any] | None, most: int) -> list[str | int | float]:
    """The strings and numbers the view's own conditions compare with, in source order."""
    tree = parsed_source(view) if view is not None else None
    found: list[str | int | float] = []
    for node in ast.walk(tree) if tree is not None else []:
        if not isinstance(node, ast.Compare):
            continue
        for side in [node.left, *node.comparators]:
            items = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
            for item in items:
                value = item.value if isinstance(item, ast.Constant) else None
                if isinstance(value, str | int | float) and not isinstance(value, bool):
                    found.append(value)
    return list(dict.fromkeys(found))[:most]
