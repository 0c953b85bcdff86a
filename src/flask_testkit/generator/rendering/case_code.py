"""Write one test function from a probed case."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ..cases import Case
from ..code import literal
from ..planning.auth import API_LOGIN, API_USER, AuthSpec
from .assertions import AssertionWriter


@dataclass
class TestFunction:
    """A rendered test and what it needs from the module header."""

    source: str
    factories: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    uses_password: bool = False


def code_only(source: str) -> str:
    """source with the text of plain string literals blanked, so only code is searched."""
    return re.sub(r'(?<![f\w])"[^"\n]*"', '""', source)


SIGN_IN_FIXTURES = ("user", "admin_user", "auth_headers", "admin_headers", "login_headers")


def free_names(body: str) -> set[str]:
    """The names a test body reads without assigning them: the fixtures it needs."""
    # Parsed, not searched: "/user/{item.id}" mentions no `user`, `user.id` does.
    tree = ast.parse(body)
    loaded: set[str] = set()
    stored: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (stored if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
    return loaded - stored


def render_case(
    case: Case, auth: AuthSpec | None, writer: AssertionWriter, has_db: bool
) -> TestFunction:
    """The source of the test for case."""
    request = case.request
    body_lines: list[str] = []
    payload = None
    if request.body:
        payload = "payload" if request.body_kind == "json" else "form"
        body_lines.append(f"{payload} = {literal(request.body)}")
    assertions = writer.lines(case, payload)
    marker = writer.xfail_marker(case)
    client = "client"
    call_args = [request.path]
    if request.query:
        call_args.append(f"query_string={literal(request.query)}")
    if request.body is not None:
        keyword = "json" if request.body_kind == "json" else "data"
        call_args.append(f"{keyword}={payload}" if request.body else f"{keyword}={{}}")
    credentials = None
    if request.auth in (API_USER, API_LOGIN) and auth is not None and auth.alternate is not None:
        # The API's own sign-in, beside the session's.
        credentials = "auth_headers" if request.auth == API_USER else "login_headers"
    elif request.auth and auth is not None:
        if auth.kind in ("session", "session_key"):
            client = "auth_client" if request.auth == "user" else "admin_client"
        else:
            names = {"user": "auth_headers", "admin": "admin_headers", "login": "login_headers"}
            # "registered": the `user` fixture alone, for the login endpoint's own request.
            credentials = names.get(request.auth)
    if request.headers:
        extra = literal(request.headers)
        call_args.append(
            f"headers={{**{credentials}, {extra[1:]}" if credentials else f"headers={extra}"
        )
    elif credentials:
        call_args.append(f"headers={credentials}")
    call = f"response = {client}.{request.method.lower()}({', '.join(call_args)})"
    methods = case.methods if len(case.methods) > 1 else []
    if methods:
        # The rule's 405 checks, one parametrized test: every method it does not take.
        call = f"response = {client}.open({', '.join([*call_args, 'method=method'])})"
        marker = f'@pytest.mark.parametrize("method", {literal(methods)})'
    later = "\n".join([call, *body_lines, *assertions])
    setup_lines: list[str] = []
    factories: set[str] = set()
    for index, setup in enumerate(case.setups):
        factories.add(setup.factory)
        kwargs = ", ".join(f"{k}={literal(v)}" for k, v in setup.kwargs.items())
        if setup.batch:
            made = f"{setup.factory}.create_batch({setup.batch}{', ' + kwargs if kwargs else ''})"
        else:
            made = f"{setup.factory}({kwargs})"
        rest = "\n".join([later, *(str(s.kwargs) for s in case.setups[index + 1 :])])
        used = setup.delete or re.search(rf"\b{setup.var}\b", code_only(rest))
        setup_lines.append(f"{setup.var} = {made}" if used else made)
        if setup.delete:
            setup_lines += [f"db_session.delete({setup.var})", "db_session.flush()"]
        if re.search(rf"(?<![\w.]){setup.var}_id\b", code_only(later)):
            key = case.outcome.row_keys.get(setup.var, "id") if case.outcome else "id"
            setup_lines.append(f"{setup.var}_id = {setup.var}.{key}")
    text = "\n".join([*setup_lines, later])
    fixtures = [client]
    if has_db and (case.setups or "db_session" in text):
        fixtures.append("db_session")
    needed = free_names(text)
    fixtures += [name for name in SIGN_IN_FIXTURES if name in needed]
    if methods:
        fixtures.append("method")
    lines = [marker] if marker else []
    lines.append(f"def {case.name}({', '.join(fixtures)}):")
    block = [*setup_lines, *body_lines]
    if block:
        lines += ["    " + line for line in block] + [""]
    if case.comment:
        lines.append(f"    # {case.comment}")
    lines += ["    " + call, ""] + ["    " + line for line in assertions]
    models = {name for module, name in writer.imports if module == "__models__" and name}
    return TestFunction("\n".join(lines), factories, models, "TEST_PASSWORD" in text)
