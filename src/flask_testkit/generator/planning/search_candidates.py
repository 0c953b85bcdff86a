"""Requests near one that works, each changing one thing the app's code might branch on.

What to change comes from what was seen: the keys the handling read, the rows it looked for,
the constants its own conditions compare with, the relations of the rows the URL names, and who
is signed in. The search keeps only those that ran new lines or got a new status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..cases import Case, Request, Setup
from ..code import Code, snake
from ..reading.view_source import compared_constants
from .error_cases import BODY_METHODS
from .key_completion import with_request

if TYPE_CHECKING:
    from .auth import AuthSpec

# Query values for any key the app reads: empty, the first numbers, out of range, not a number.
_QUERY_VALUES = ("", "0", "1", "2", "-1", "1000000", "x")
_LONG = 300
_CONSTANTS = 12  # compared constants tried per view, at most
_INVALID_TOKEN = {"Authorization": "Bearer not-a-token-this-app-issued"}

Candidate = tuple[Case, str]
"""(the case, what it changes, as the middle of its test name)."""


def _variant(base: Case, request: Request | None = None, setups: list[Setup] | None = None) -> Case:
    case = with_request(base, request or replace(base.request))
    if setups is not None:
        case.setups = setups
    # Its own query and headers: changing one candidate's never changes another's.
    case.request.query = dict(case.request.query) if case.request.query else None
    case.request.headers = dict(case.request.headers)
    return case


def _slug(value: Any) -> str:
    if value == "" or value == []:
        return "empty"
    if isinstance(value, str) and len(value) >= _LONG:
        return "too_long"
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        return "negative"
    text = snake(str(value))
    return text[:24] if not text.startswith("v_") else text[2:26] or "value"


class Candidates:
    """The requests to try near base, the case of plan that works (or crashed)."""

    def __init__(
        self,
        base: Case,
        others: list[Case],
        auth: AuthSpec | None,
        models: dict[str, type[Any]],
        factories: set[str],
    ) -> None:
        self.base = base
        self.others = others
        self.auth = auth
        self.models = models
        self.factories = factories

    def all(self, keys_read: Callable[[Case], Case | None]) -> Iterator[Candidate]:
        """Every candidate, the likeliest to reach a new branch first."""
        yield from self._signed_in()
        yield from self._looked_for_rows()
        yield from self._linked_rows()
        yield from self._row_flags()
        yield from self._without_batches()
        constants = compared_constants(self.base.endpoint.view, _CONSTANTS)
        yield from self._query(constants)
        yield from self._body_constants(constants)
        fuller = keys_read(self.base)
        if fuller is not None:
            yield _variant(self.base, fuller.request, fuller.setups), _added_keys(self.base, fuller)
        yield from self._body_changes()
        yield from self._query([*_QUERY_VALUES])

    def _signed_in(self) -> Iterator[Candidate]:
        auth, app_auth = self.base.request.auth, self.auth
        if auth is None and app_auth is not None:
            yield _variant(self.base, replace(self.base.request, auth="user")), "signed_in"
        if auth == "user" and app_auth is not None and app_auth.admin_kwargs:
            yield _variant(self.base, replace(self.base.request, auth="admin")), "as_admin"
        if auth is not None and app_auth is not None and app_auth.kind == "bearer":
            # A token the app never issued: its own answer to a bad token, not the one to none.
            request = replace(self.base.request, auth=None, headers=dict(_INVALID_TOKEN))
            yield _variant(self.base, request), "with_invalid_token"

    def _looked_for_rows(self) -> Iterator[Candidate]:
        """A row with the values the handling searched its model for, made before the request."""
        outcome = self.base.outcome
        if outcome is None:
            return
        # A path argument is text: "3" in a search is row 3's key as much as 3 is.
        keys = {
            str(value): var
            for var, values in outcome.row_values.items()
            for value in [values.get(outcome.row_keys.get(var, "id"))]
            if value is not None
        }
        seen: set[str] = set()
        for cls, values in outcome.row_searches:
            kwargs: dict[str, Any] = {}
            relations = _relations_by_column(cls)
            for key, value in values.items():
                var = keys.get(str(value))
                if var is not None and key in relations:
                    # The row itself: a factory's SubFactory would win over a bare foreign key.
                    kwargs[relations[key]] = Code(var)
                elif var is not None:
                    kwargs[key] = Code(f"{var}.{outcome.row_keys.get(var, 'id')}")
                elif isinstance(value, str) and not value.isdigit():
                    kwargs[key] = value
            name = cls.__name__
            if not kwargs or f"{name}Factory" not in self.factories or repr(kwargs) in seen:
                continue
            seen.add(repr(kwargs))
            existing = Setup(f"existing_{snake(name)}", f"{name}Factory", name, kwargs)
            same = "_and_".join(snake(key) for key in kwargs)
            yield (
                _variant(self.base, setups=[*self.base.setups, existing]),
                f"with_existing_{snake(name)}_of_same_{same}",
            )

    def _linked_rows(self) -> Iterator[Candidate]:
        """The rows the URL names, linked through a many-to-many or one-to-many relation.

        A row of the related model the test makes anyway is the one linked, made first; else a
        new one is.
        """
        made = [s for s in self.base.setups if not s.batch and not s.delete]
        for setup in made:
            cls = self.models.get(setup.model)
            if cls is None:
                continue
            for relation in sa.inspect(cls).relationships:
                target = relation.mapper.class_.__name__
                if not relation.uselist:
                    continue
                other = next((s for s in made if s.model == target and s is not setup), None)
                if other is not None and _refers_to(other, setup.var):
                    continue  # it needs this row first: it cannot be made before it
                setups = [s for s in self.base.setups if s is not other]
                linked = other or Setup(f"linked_{snake(target)}", f"{target}Factory", target)
                if other is None and linked.factory not in self.factories:
                    continue
                kwargs = {**setup.kwargs, relation.key: Code(f"[{linked.var}]")}
                at = setups.index(setup)
                setups[at : at + 1] = [linked, replace(setup, kwargs=kwargs)]
                yield _variant(self.base, setups=setups), f"with_linked_{relation.key}"

    def _row_flags(self) -> Iterator[Candidate]:
        """The rows the URL names, with each of their yes/no columns set one way, then the other."""
        for setup in self.base.setups:
            cls = self.models.get(setup.model)
            if cls is None or setup.batch or setup.delete:
                continue
            for key, column in sa.inspect(cls).columns.items():
                if not isinstance(column.type, sa.Boolean) or key in setup.kwargs:
                    continue
                for value in (True, False):
                    changed = replace(setup, kwargs={**setup.kwargs, key: value})
                    setups = [changed if s is setup else s for s in self.base.setups]
                    yield _variant(self.base, setups=setups), f"with_{snake(key)}_{_slug(value)}"

    def _without_batches(self) -> Iterator[Candidate]:
        for setup in self.base.setups:
            if setup.batch:
                setups = [s for s in self.base.setups if s is not setup]
                yield _variant(self.base, setups=setups), f"without_{snake(setup.model)}_rows"

    def _query(self, values: list[Any]) -> Iterator[Candidate]:
        keys = dict.fromkeys(self.base.request.query or {})
        for case in [self.base, *self.others]:
            if case.outcome is not None:
                keys.update(dict.fromkeys(case.outcome.keys_read.get("args", [])))
        for key in keys:
            for value in values:
                query = {**(self.base.request.query or {}), key: str(value)}
                if query == self.base.request.query:
                    continue
                request = replace(self.base.request, query=query)
                yield _variant(self.base, request), f"with_{snake(key)}_{_slug(value)}"

    def _body_constants(self, constants: list[Any]) -> Iterator[Candidate]:
        body = self.base.request.body
        if not isinstance(body, dict):
            return
        for key, sent in body.items():
            for value in constants:
                if type(value) is type(sent) and value != sent:
                    yield self._with_body({**body, key: value}), f"with_{snake(key)}_{_slug(value)}"

    def _body_changes(self) -> Iterator[Candidate]:
        body = self.base.request.body
        if self.base.endpoint.method not in BODY_METHODS or not isinstance(body, dict):
            return
        for key, sent in body.items():
            if len(body) > 1:
                kept = {k: v for k, v in body.items() if k != key}
                yield self._with_body(kept), f"without_{snake(key)}"
            for value in _other_values(sent):
                yield self._with_body({**body, key: value}), f"with_{snake(key)}_{_slug(value)}"

    def _with_body(self, body: dict[str, Any]) -> Case:
        return _variant(self.base, replace(self.base.request, body=body))


def _other_values(sent: Any) -> list[Any]:
    """Values of the same kind as sent that code often treats apart: empty, zero, too long."""
    if isinstance(sent, bool):
        return [not sent]
    if isinstance(sent, int | float):
        return [0, -1, 10**9]
    if isinstance(sent, str):
        return ["", "x" * _LONG]
    if isinstance(sent, list):
        return [[]]
    return []


def _relations_by_column(cls: type[Any]) -> dict[str, str]:
    """Foreign-key attribute -> the many-to-one relation that sets it."""
    mapper = sa.inspect(cls)
    found: dict[str, str] = {}
    for relation in mapper.relationships:
        if relation.uselist:
            continue
        for column in relation.local_columns:
            found.setdefault(mapper.get_property_by_column(column).key, relation.key)
    return found


def _added_keys(base: Case, fuller: Case) -> str:
    """with_KEY_and_KEY for the keys fuller sends that base does not."""
    sent = set(base.request.query or {}) | set(_body_keys(base))
    added = [k for k in [*(fuller.request.query or {}), *_body_keys(fuller)] if k not in sent]
    shown = "_and_".join(snake(str(k)) for k in added[:3])
    return f"with_{shown}" if shown else "with_the_keys_read"


def _body_keys(case: Case) -> list[Any]:
    return list(case.request.body) if isinstance(case.request.body, dict) else []


def _refers_to(setup: Setup, var: str) -> bool:
    return any(
        isinstance(value, Code) and value.source.split(".")[0].strip("[]") == var
        for value in setup.kwargs.values()
    )
