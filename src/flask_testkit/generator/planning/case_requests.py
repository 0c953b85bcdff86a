"""The request a case sends: the rule with its arguments filled in, as Python source."""

from __future__ import annotations

from typing import Any

from ..cases import Request
from ..code import string
from ..reading.routes import Endpoint, rule_tokens

# Values for arguments no row stands behind; routing accepts them, and no id is made up.
INTEGER_LITERAL = "1"
_LITERALS = {
    "IntegerConverter": INTEGER_LITERAL,
    "FloatConverter": "1.5",
    "PathConverter": "example/path",
    "UUIDConverter": "7c1e1f52-3b47-4d0e-9d7e-0a3f1a2b3c4d",
}


def request_for(
    endpoint: Endpoint,
    paths: dict[str, str],
    auth: str | None = None,
    body: Any = None,
    kind: str = "json",
) -> Request:
    """A request to endpoint; paths maps arguments to values or to "{expression}" pieces."""
    path = endpoint.rule
    dynamic = False
    tokens = dict(rule_tokens(endpoint.rule))
    for argument in endpoint.arguments:
        value = paths.get(argument.name)
        if value is None:
            value = _LITERALS.get(argument.converter, "example")
        elif value.startswith("{"):
            dynamic = True
        path = path.replace(tokens[argument.name], value)
    source = ("f" if dynamic else "") + string(path)
    return Request(endpoint.method, source, body, kind, auth)
