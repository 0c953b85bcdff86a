"""The hard-coded-id rule: literal ids and timestamps where the database assigns them."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from flask_testkit.audit.findings import Finding
from flask_testkit.audit.suite_source import Function, FunctionNode, SuiteSource, dotted

_REQUEST_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "open"})
_WRITE_METHODS = frozenset({"post", "put", "patch"})
_ROW_METHODS = frozenset({"add", "add_all", "create_batch", "bulk_save_objects", "create"})
# A path segment that is only digits: /users/1, /users/1/posts.
_ID_SEGMENT = re.compile(r"(?:^|/)(\d+)(?=/|$)")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$")
_TIMESTAMP_NAMES = frozenset(
    {"created", "updated", "modified", "timestamp", "date_created", "date_modified", "last_login"}
)
_FROZEN_CLOCKS = frozenset({"freeze_time", "freezer", "time_machine", "travel", "frozen_time"})


def _request_call(node: ast.AST) -> tuple[ast.Call, str] | None:
    """A call like `client.get(...)`, `self.client.post(...)`, and its method."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        receiver = (dotted(node.func.value) or "").lower()
        if node.func.attr in _REQUEST_METHODS and "client" in receiver:
            return node, node.func.attr
    return None


def _makes_rows(function: FunctionNode) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            name = dotted(node.func) or ""
            last = name.rsplit(".", 1)[-1]
            if any(part.endswith("Factory") for part in name.split(".")):
                return True
            if last in _ROW_METHODS and "." in name:
                return True
    return False


def _made_rows_first(function: Function, suite: SuiteSource) -> bool:
    """Rows are there before any request: a factory, session.add, a fixture or setUp that does."""
    fixtures = suite.fixtures()
    before = [f.node for name in suite.closure(function.params) for f in fixtures[name]]
    return any(_makes_rows(node) for node in [function.node, *function.setups, *before])


def _write_requests(function: Function) -> list[ast.Call]:
    requests = (_request_call(node) for node in ast.walk(function.node))
    return [request[0] for request in requests if request and request[1] in _WRITE_METHODS]


def _written_before(call: ast.Call, writes: list[ast.Call]) -> bool:
    # A request cannot name a row it makes itself: only an earlier write may have made it.
    return any((w.lineno, w.col_offset) < (call.lineno, call.col_offset) for w in writes)


def _given_keys(function: Function, suite: SuiteSource) -> set[str]:
    """Columns the test (or a fixture it uses) gives a value: its rows' and bodies' own keys."""
    fixtures = suite.fixtures()
    scopes = [function, *(f for name in suite.closure(function.params) for f in fixtures[name])]
    keys: set[str] = set()
    for scope in scopes:
        for node in ast.walk(scope.node):
            if isinstance(node, ast.Call):
                # `author__created_at=` is the related row's `created_at`.
                keys |= {k.arg.rsplit("__", 1)[-1] for k in node.keywords if k.arg}
                values = [*node.args, *(k.value for k in node.keywords)]
                keys |= {key for value in values for key, _ in _dict_literals(value)}
            elif isinstance(node, ast.Assign):
                keys |= {t.attr for t in node.targets if isinstance(t, ast.Attribute)}
    return keys


def _literal_ids_in_url(url: ast.expr) -> list[str]:
    if isinstance(url, ast.Constant) and isinstance(url.value, str):
        path = url.value.split("?", 1)[0]
        return _ID_SEGMENT.findall(path)
    if isinstance(url, ast.JoinedStr):
        found = []
        for index, part in enumerate(url.values):
            if not isinstance(part, ast.Constant) or not isinstance(part.value, str):
                continue
            text, query, _ = part.value.partition("?")
            # After a formatted value, a segment must start with "/" to be a segment.
            pattern = _ID_SEGMENT if index == 0 else re.compile(r"/(\d+)(?=/|$)")
            found += pattern.findall(text)
            if query:
                break
        return found
    return []


def _url_of(call: ast.Call) -> ast.expr | None:
    if call.args:
        return call.args[0]
    for keyword in call.keywords:
        if keyword.arg == "path":
            return keyword.value
    return None


def _key_of(node: ast.expr) -> str | None:
    """`x.id` -> 'id', `body["user_id"]` -> 'user_id'."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    return None


def _is_id_key(key: str) -> bool:
    return key == "id" or key.endswith("_id") or key.endswith("Id")


def _is_timestamp_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in _TIMESTAMP_NAMES or lowered.endswith(("_at", "_on", "At"))


def _is_int_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int


def _is_time_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_ISO_DATE.match(node.value))
    if isinstance(node, ast.Call):
        name = (dotted(node.func) or "").rsplit(".", 1)[-1]
        literal_args = all(isinstance(arg, ast.Constant) for arg in node.args)
        return name in ("datetime", "date", "fromisoformat") and bool(node.args) and literal_args
    return False


def _literal_pairs(node: ast.Compare) -> Iterator[tuple[ast.expr, ast.expr]]:
    operands = [node.left, *node.comparators]
    for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
        if isinstance(op, ast.Eq):
            yield left, right
            yield right, left


def _dict_literals(node: ast.expr) -> Iterator[tuple[str, ast.expr]]:
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                yield key.value, value
                yield from _dict_literals(value)


def _assert_problems(test: ast.expr, frozen: bool, given: set[str]) -> Iterator[tuple[int, str]]:
    for compare in (n for n in ast.walk(test) if isinstance(n, ast.Compare)):
        for side, other in _literal_pairs(compare):
            key = _key_of(side)
            candidates = [(key, other)] if key else []
            candidates += list(_dict_literals(side))
            for name, value in candidates:
                is_id = _is_id_key(name) and _is_int_literal(value)
                # A date the test gave the row itself is the test's, not the server's.
                server_set = not frozen and name not in given and _is_timestamp_key(name)
                if is_id or (server_set and _is_time_literal(value)):
                    yield compare.lineno, f"asserts `{name} == {ast.unparse(value)}`"


def _frozen_clock(function: Function) -> bool:
    if _FROZEN_CLOCKS.intersection(function.params):
        return True
    for node in ast.walk(function.node):
        called = dotted(node.func) if isinstance(node, ast.Call) else None
        if called and called.rsplit(".", 1)[-1] in _FROZEN_CLOCKS:
            return True
    return False


def hard_coded_ids(suite: SuiteSource) -> Iterator[Finding]:
    """Literal ids in URLs and asserts, and literal timestamps, in tests whose rows are real."""
    for function in suite.functions():
        if not function.is_test:
            continue
        rows_first = _made_rows_first(function, suite)
        writes = _write_requests(function)
        if not rows_first and not writes:
            continue
        given = _given_keys(function, suite)
        problems: dict[tuple[int, str], None] = {}
        for node in ast.walk(function.node):
            request = _request_call(node)
            call = request[0] if request else None
            url = _url_of(call) if call is not None else None
            if (
                call is not None
                and url is not None
                and (rows_first or _written_before(call, writes))
            ):
                for number in _literal_ids_in_url(url):
                    problems[
                        (call.lineno, f"requests {ast.unparse(url)} with the literal id {number}")
                    ] = None
            if isinstance(node, ast.Assert):
                for problem in _assert_problems(node.test, _frozen_clock(function), given):
                    problems[problem] = None
        for line, message in problems:
            yield Finding(
                "hard-coded-id",
                function.file.rel,
                line,
                f"{message}, but the database assigns it ({function.node.name})",
            )
