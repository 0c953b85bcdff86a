"""Unit tests for model properties and methods: a row with known values, and what it gives."""

from __future__ import annotations

from dataclasses import dataclass

from ..code import string
from ..planning.model_checks import ModelCheck, collect_checks, untested_methods
from ..planning.model_values import Imports, value_source

__all__ = ["ModelCheck", "RenderedTest", "collect_checks", "render_check", "untested_methods"]


@dataclass
class RenderedTest:
    """One test function, the factory it uses and the other names it imports."""

    source: str
    factory: str
    imports: Imports


def render_check(check: ModelCheck) -> RenderedTest | None:
    """The test for one check, or None when nothing about the value can be asserted."""
    if check.assertion is None:
        return None
    imports: Imports = set()
    factory = f"{check.model.name}Factory"
    arguments = []
    for keyword, value in check.inputs.items():
        source = value_source(value, imports, check.var, inputs=True)
        if source is None:
            return None
        arguments.append(f"{keyword}={source}")
    make = factory if check.created else f"{factory}.build"
    assertion = _assertion(check, imports)
    if assertion is None:
        return None
    name, line = assertion
    body = f"    {check.var} = {make}({', '.join(arguments)})\n\n    {line}"
    return RenderedTest(f"def {name}(db_session):\n{body}", factory, imports)


def _assertion(check: ModelCheck, imports: Imports) -> tuple[str, str] | None:
    """The test's name and its assert statement."""
    access = check.access
    base = f"test_{check.var}_{check.name}" if check.kind in ("property", "method") else None
    base = base or f"test_{check.var}_{check.kind}"
    if check.assertion == "keys":
        keys = ", ".join(string(k) for k in sorted(check.values[0]))
        return f"{base}_has_the_expected_keys", f"assert set({access}) == {{{keys}}}"
    if check.assertion == "type":
        kind = type(check.values[0]).__name__
        return f"{base}_gives_{kind}", f"assert isinstance({access}, {kind})"
    expected = value_source(check.expected, imports, check.var)
    if expected is None:
        return None
    if check.expected is None or isinstance(check.expected, bool):
        verb = "returns" if check.kind == "method" else "is"
        return f"{base}_{verb}_{expected.lower()}", f"assert {access} is {expected}"
    return base, f"assert {access} == {expected}"
