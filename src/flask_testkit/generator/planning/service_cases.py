"""Unit tests of service functions: the calls the endpoints' cases made, replayed on their own.

Each call is replayed twice in a rolled-back block, the second time after rows of every model
were made first. What came out the same both times (the return value, the exception, the rows
added) is what its test asserts.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..cases import HAPPY, Case, Setup, case_subject
from ..code import Code, snake
from ..probing.row_counts import make_rows_first, row_counts
from ..probing.sandbox import guarded
from ..probing.service_calls import Row, ServiceCall
from .values import TEST_PASSWORD

if TYPE_CHECKING:
    from ..probing.prober import Prober
    from .auth import AuthSpec
    from .endpoint_plans import EndpointPlan

# Tests per service function, at most: its happy path and the exceptions it raises.
_PER_FUNCTION = 4
# Calls replayed per function, at most: most cases of one endpoint make the same call.
_ATTEMPTS = 8
_MAX_WHOLE = 300
_SIGNED_IN = ("user", "admin_user")
# A string this long with no space is a token or a hash made for the probe's own rows.
_TOKEN = 40
_SHORTEST_VALUE = 3
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}")


class _Unwritable(Exception):
    """An argument a test cannot write: the call is left out."""


@dataclass
class Replayed:
    """What one replay of a call did."""

    result: Any = None
    error: type[BaseException] | None = None
    counts: dict[str, int] = field(default_factory=dict)  # rows the call added, by model
    after: dict[str, int] = field(default_factory=dict)  # rows there were after it
    failed: str | None = None  # the replay's own setup broke: not the function's doing


@dataclass
class ServiceCase:
    """One unit test: rows made first, then one call and what it returned or raised."""

    call: ServiceCall
    setups: list[Setup]
    args: list[Any]  # literals and Code
    kwargs: dict[str, Any]
    subject: str  # from the endpoint case, for the name: "_with_duplicate_email"
    result: Any = None
    stable: bool = False  # the whole result came out the same both times
    stable_keys: dict[str, Any] = field(default_factory=dict)
    keys: list[str] | None = None
    length: int | None = None  # the result was a list (or tuple) of this many items
    error: type[BaseException] | None = None
    row_model: str | None = None  # the result was a row of this model
    counts: dict[str, int] = field(default_factory=dict)


class ServiceCases:
    """Turns the recorded calls of every planned case into replayed unit tests."""

    def __init__(self, prober: Prober, models: list[tuple[str, type[Any]]], auth: AuthSpec | None):
        self.prober = prober
        self.models = models
        self.auth = auth

    def build(self, plans: list[EndpointPlan]) -> list[ServiceCase]:
        """The unit tests worth keeping, in the order of the plans."""
        kept: list[ServiceCase] = []
        seen: set[tuple[str, str, str]] = set()
        tried: set[str] = set()
        attempts: dict[tuple[str, str], int] = {}
        for plan in plans:
            for case in plan.cases:
                for call in getattr(case.outcome, "service_calls", []):
                    function = (call.module, call.name)
                    # The same call from another case (another auth, the same rows) says nothing
                    # new, and each replay costs two rolled-back runs.
                    signature = repr((function, call.args, call.kwargs, case.kind, case.setups))
                    if signature in tried or attempts.get(function, 0) >= _ATTEMPTS:
                        continue
                    tried.add(signature)
                    attempts[function] = attempts.get(function, 0) + 1
                    service_case = self._case(case, call)
                    if service_case is None:
                        continue
                    outcome = service_case.error.__name__ if service_case.error else "returns"
                    key = (*function, outcome)
                    same_function = [k for k in seen if k[:2] == function]
                    if key in seen or len(same_function) >= _PER_FUNCTION:
                        continue
                    seen.add(key)
                    kept.append(service_case)
        return kept

    def _case(self, case: Case, call: ServiceCall) -> ServiceCase | None:
        setups = [s for s in case.setups]
        rows = case.outcome.row_values if case.outcome else {}
        keys = case.outcome.row_keys if case.outcome else {}
        taken = {s.var for s in setups}

        def row_var(var: str) -> str:
            # The signed-in user is no setup of the case: the unit test makes its own.
            if var not in taken and self.auth is not None:
                model = self.auth.user_model.name
                kwargs = dict(self.auth.admin_kwargs or {}) if var == "admin_user" else {}
                setups.append(Setup(var, self.auth.user_factory, model, kwargs))
                taken.add(var)
            return var

        def code_for(value: Any) -> Any:
            if isinstance(value, Row):
                for var, values in rows.items():
                    if values.get(keys.get(var, "id")) == value.key and var in {
                        *taken,
                        *_SIGNED_IN,
                    }:
                        return Code(row_var(var))
                return Code(self._new_row(value.model, setups, taken))
            if isinstance(value, str) and value == TEST_PASSWORD:
                return Code("TEST_PASSWORD")
            if isinstance(value, str) and len(value) >= _TOKEN and " " not in value:
                raise _Unwritable  # a token or a hash made for the probe's own rows
            if isinstance(value, str) and len(value) >= _SHORTEST_VALUE:
                # A factory value (user3@example.com) is another row's in the test: name it.
                known = {*taken, *_SIGNED_IN}
                for var, values in rows.items():
                    attribute = next((a for a, v in values.items() if v == value), None)
                    if attribute is not None and var in known:
                        return Code(f"{row_var(var)}.{attribute}")
            if type(value) is int:
                known = {*taken, *_SIGNED_IN}
                for var, values in rows.items():
                    key = keys.get(var, "id")
                    if values.get(key) == value and var in known:
                        return Code(f"{row_var(var)}.{key}")
            if isinstance(value, dict):
                return {k: code_for(v) for k, v in value.items()}
            return value

        try:
            args = [code_for(a) for a in call.args]
            kwargs = {k: code_for(v) for k, v in call.kwargs.items()}
        except _Unwritable:
            return None
        subject = case_subject(case) if case.kind != HAPPY else ""
        service_case = ServiceCase(call, setups, args, kwargs, subject)
        first, shifted = self._replay(service_case, False), self._replay(service_case, True)
        if first.failed or shifted.failed:
            return None
        if first.error is not None:
            if shifted.error is not first.error or not _importable(first.error):
                return None
            service_case.error = first.error
        elif shifted.error is not None:
            return None
        else:
            _characterise(service_case, first.result, shifted.result)
        # The test asserts how many rows there are after the call, when the call added (or
        # removed) the same number both times.
        service_case.counts = {
            n: first.after[n] for n, c in first.counts.items() if c and shifted.counts.get(n) == c
        }
        return service_case

    def _new_row(self, model: str, setups: list[Setup], taken: set[str]) -> str:
        var, n = snake(model), 2
        while var in taken:
            var, n = f"{snake(model)}_{n}", n + 1
        taken.add(var)
        setups.append(Setup(var, f"{model}Factory", model))
        return var

    def _replay(self, case: ServiceCase, rows_first: bool) -> Replayed:
        from ..probing.prober import resolve

        replayed = Replayed()
        names = self.prober.namespace()
        function = getattr(sys.modules[case.call.module], case.call.name)
        with self.prober.isolated() as session:
            try:
                if rows_first:
                    make_rows_first(
                        session,
                        self.models,
                        lambda name: names.get(f"{name}Factory"),
                        skip_refused=False,
                    )
                for setup in case.setups:
                    kwargs = {k: resolve(v, names) for k, v in setup.kwargs.items()}
                    if setup.batch:
                        names[setup.var] = names[setup.factory].create_batch(setup.batch, **kwargs)
                    else:
                        names[setup.var] = names[setup.factory](**kwargs)
                    if setup.delete:
                        session.delete(names[setup.var])
                        session.flush()
                args = [_evaluated(a, names) for a in case.args]
                kwargs = {k: _evaluated(v, names) for k, v in case.kwargs.items()}
                before = row_counts(session, self.models)
            except Exception as error:
                replayed.failed = f"{type(error).__name__}: {error}"
                return replayed
            with guarded(self.prober.timeout) as report:
                try:
                    result = function(*args, **kwargs)
                    replayed.result = _plain(result)
                except Exception as error:
                    replayed.error = type(error)
            if report.timed_out or report.network_targets:
                replayed.failed = "it needs more than the test database, or more time"
                return replayed
            try:
                after = row_counts(session, self.models)
            except sa.exc.SQLAlchemyError:
                session.rollback()
                after = before
            replayed.counts = {n: after[n] - before.get(n, 0) for n in after}
            replayed.after = after
        return replayed


def _evaluated(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, Code):
        return eval(value.source, dict(names))  # our own generated source
    if isinstance(value, dict):
        return {k: _evaluated(v, names) for k, v in value.items()}
    return value


def _plain(result: Any) -> Any:
    if hasattr(result, "_sa_instance_state"):
        return Row(type(result).__name__, None)
    try:
        return json.loads(json.dumps(result))
    except (TypeError, ValueError):
        return _Opaque(type(result).__name__)


@dataclass(frozen=True)
class _Opaque:
    type_name: str


def _importable(error: type[BaseException]) -> bool:
    module = sys.modules.get(error.__module__)
    return module is not None and getattr(module, error.__name__, None) is error


def _characterise(case: ServiceCase, first: Any, shifted: Any) -> None:
    case.result = first
    if isinstance(first, Row):
        case.row_model = first.model
        return
    if isinstance(first, _Opaque):
        return
    text = json.dumps(first)
    if first == shifted and len(text) <= _MAX_WHOLE and not _DATE.search(text):
        case.stable = True
        return
    if isinstance(first, list) and isinstance(shifted, list) and len(first) == len(shifted):
        case.length = len(first)
        return
    if isinstance(first, dict) and isinstance(shifted, dict) and set(first) == set(shifted):
        case.keys = sorted(first)
        case.stable_keys = {
            k: v
            for k, v in first.items()
            if isinstance(v, str | int | float | bool)
            and shifted[k] == v
            and not (isinstance(v, str) and _DATE.search(v))
        }
