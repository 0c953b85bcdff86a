"""What each model property and simple method gives for a row with known column values."""

from __future__ import annotations

import builtins
import contextlib
import functools
import inspect
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from factory import random as _factory_random
from factory.base import Factory
from sqlalchemy.ext.hybrid import hybrid_property

from ..code import snake
from ..probing.model_calls import Observation, Path, observe
from ..reading.models import ModelInfo, ModelScan
from .model_inputs import sample_inputs
from .model_values import refer_to_keys, resolve_keys, value_source

_QUERY_PREFIXES = ("is_", "has_", "can_", "to_", "as_")
# Words in a method name that say it changes something: such methods are never called. Writes to
# the row and the session are caught when they happen, so these are mostly the other kinds.
_ACTIONS = {
    *("add", "create", "insert", "save", "commit", "flush", "update", "set", "mark", "touch"),
    *("delete", "remove", "destroy", "purge", "drop", "clear", "reset", "revoke", "cancel"),
    *("activate", "deactivate", "enable", "disable", "approve", "archive", "ban", "lock"),
    *("unlock", "login", "logout", "increment", "pay", "charge", "refund"),
    *("send", "email", "mail", "notify", "publish", "push", "dispatch", "enqueue", "schedule"),
    *("sync", "upload", "download", "import", "export", "backup", "write", "generate"),
    *("process", "execute", "run", "start", "stop", "close"),
}
_SKIPPED = {
    "password",
    "query",
    "metadata",
    "registry",
    "is_active",
    "is_authenticated",
    "is_anonymous",
    "query_class",
    "get_id",
}
_RUNS = 3
_TIMEOUT = 2.0
# factory_boy ships no type hints.
factory_random: Any = _factory_random


@dataclass
class ModelCheck:
    """One property or method: the inputs that decide its value, and what the test asserts."""

    model: ModelInfo
    name: str
    kind: str  # "property", "method", "repr" or "str"
    inputs: dict[str, Any] = field(default_factory=dict)
    expected: Any = None
    assertion: str | None = None  # "exact", "keys" or "type"
    created: bool = False
    values: list[Any] = field(default_factory=list)
    reason: str | None = None

    @property
    def var(self) -> str:
        """The test's name for the row."""
        return snake(self.model.name)

    @property
    def access(self) -> str:
        """How the test reads the value."""
        if self.kind in ("repr", "str"):
            return f"{self.kind}({self.var})"
        return f"{self.var}.{self.name}{'()' if self.kind == 'method' else ''}"


def members(model: ModelInfo) -> list[tuple[str, str, str | None]]:
    """Properties and methods defined on the model: (name, kind, why it is not called)."""
    found: list[tuple[str, str, str | None]] = []
    mapped = set(sa.inspect(model.cls).attrs.keys())
    for name, value in vars(model.cls).items():
        if name in ("__repr__", "__str__"):
            if inspect.isfunction(value):
                found.append((name, name.strip("_"), None))
        elif name.startswith("_") or name in _SKIPPED or name in mapped:
            continue
        elif isinstance(value, property | functools.cached_property | hybrid_property):
            if getattr(value, "fget", getattr(value, "func", None)) is not None:
                found.append((name, "property", None))
        elif isinstance(value, staticmethod | classmethod):
            found.append((name, "method", "belongs to the class, so it was not called"))
        elif inspect.isfunction(value):
            found.append((name, "method", _not_called(name, value)))
    return found


def _not_called(name: str, function: Callable[..., Any]) -> str | None:
    if inspect.iscoroutinefunction(function):
        return "is a coroutine, so it was not called"
    parameters = list(inspect.signature(function).parameters.values())[1:]
    if any(
        p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        for p in parameters
    ):
        return "takes arguments"
    if not name.startswith(_QUERY_PREFIXES) and _ACTIONS & set(name.lower().split("_")):
        return "its name says it changes something, so it was not called"
    return None


def collect_checks(
    scan: ModelScan,
    factories: ModuleType,
    isolated: Callable[[], AbstractContextManager[Any]],
) -> list[ModelCheck]:
    """Every member of every model, probed on factory rows, each call in a rolled-back block."""
    infos = {m.cls: m for m in scan.models}
    checks = []
    state = factory_random.get_random_state()
    try:
        for model in scan.models:
            found = members(model)
            if not found:
                continue
            _restart(factories, model.name)
            target = _Target.sampled(model, factories, infos, isolated)
            for name, kind, reason in found:
                if reason is None and target is None:
                    reason = "its factory could not build a row"
                if reason is not None or target is None:
                    checks.append(ModelCheck(model, name, kind, reason=reason))
                    continue
                try:
                    checks.append(target.check(name, kind))
                except Exception as error:  # the app's code failed in a way no probe expects
                    why = f"could not be probed ({type(error).__name__})"
                    checks.append(ModelCheck(model, name, kind, reason=why))
    finally:
        factory_random.set_random_state(state)
    return checks


def _restart(factories: ModuleType, seed: str) -> None:
    """Same seed, sequences from zero: running `init` again writes the same values."""
    factory_random.reseed_random(seed)
    for value in vars(factories).values():
        if isinstance(value, type) and issubclass(value, Factory) and not value._meta.abstract:
            factory_class: Any = value
            with contextlib.suppress(ValueError):
                factory_class.reset_sequence(0)


def untested_methods(checks: list[ModelCheck]) -> list[str]:
    """Model.member: why, for each property or method without a test of its exact value."""
    found = []
    for check in checks:
        if check.reason is None or check.kind in ("repr", "str"):
            continue
        weak = {"keys": "only its keys are checked", "type": "only its type is checked"}
        shown = weak.get(check.assertion or "")
        reason = f"{shown}: {check.reason}" if shown else check.reason
        found.append(f"{check.model.name}.{check.name}: {reason}")
    return found


@dataclass
class _Target:
    """A model's factory, and the column values a test may pass it: keyword -> path, value."""

    model: ModelInfo
    factory: Any
    isolated: Callable[[], AbstractContextManager[Any]]
    paths: dict[str, Path]
    base: dict[str, Any]

    @classmethod
    def sampled(
        cls,
        model: ModelInfo,
        factories: ModuleType,
        infos: dict[type[Any], ModelInfo],
        isolated: Callable[[], AbstractContextManager[Any]],
    ) -> _Target | None:
        """The model's factory with readable values for its columns, or None if it builds none."""
        factory = getattr(factories, f"{model.name}Factory", None)
        try:
            sampled = sample_inputs(model, factory, infos, isolated) if factory else None
        except Exception:  # an unusual factory: its model's members are listed, not tested
            return None
        return cls(model, factory, isolated, *sampled) if sampled else None

    def check(self, name: str, kind: str) -> ModelCheck:
        """Probe one member: which columns it reads, and whether its value repeats."""
        check = ModelCheck(self.model, name, kind)
        first = self.run(name, kind, self.base, created=False)
        check.created = first.error is not None or bool(first.keys)
        if check.created:  # it needs the row's keys, so the row must be in the database
            first = self.run(name, kind, self.base, created=True)
        if first.error is not None or first.wrote:
            check.reason = (
                "changes the row or the session"
                if first.wrote
                else f"raises {type(first.error).__name__} on a factory row"
            )
            return check
        check.inputs = {k: v for k, v in self.base.items() if self.paths[k] in first.reads}
        check.expected = refer_to_keys(first.value, first.keys) if check.created else first.value
        runs = [self.run(name, kind, self.base, check.created)]
        for n in range(1, _RUNS + 1):
            extra = n if check.created else 0  # earlier rows move the new row's keys along
            runs.append(self.run(name, kind, check.inputs, check.created, extra))
        if any(run.error is not None or run.wrote for run in runs):
            check.reason = "fails or changes the row for some factory values"
            return check
        check.values = [first.value] + [run.value for run in runs]
        check.reason = _why_not_exact(check, first, runs, first.columns - set(self.paths.values()))
        check.assertion = "exact" if check.reason is None else _fallback(check)
        return check

    def run(
        self, name: str, kind: str, inputs: dict[str, Any], created: bool, extra: int = 0
    ) -> Observation:
        """Build (or create) a row from inputs and call the member on it, in a rolled-back block."""
        with self.isolated() as session:
            try:
                for _ in range(extra):
                    self.factory()
                row = self.factory(**inputs) if created else self.factory.build(**inputs)
                if created:
                    session.flush()
            except Exception as error:
                return Observation(error=error)
            return observe(functools.partial(_call, name=name, kind=kind), row, session, _TIMEOUT)


def _call(row: Any, name: str, kind: str) -> Any:
    if kind == "repr":
        return repr(row)
    if kind == "str":
        return str(row)
    value = getattr(row, name)
    return value() if kind == "method" else value


def _why_not_exact(
    check: ModelCheck, first: Observation, runs: list[Observation], loose: set[Path]
) -> str | None:
    relied_on = next((run.relies_on for run in [first, *runs] if run.relies_on), None)
    if relied_on:
        return f"its value depends on {relied_on}"
    if loose:
        return "its value depends on columns its factory fills in: " + ", ".join(
            ".".join(path) for path in sorted(loose)
        )
    if value_source(check.expected, set(), check.var) is None:
        return f"it gives a {type(first.value).__name__}, which a test cannot write out"
    for run in runs:
        if run.reads != first.reads or resolve_keys(check.expected, run.keys) != run.value:
            return "its value changes from one factory row to the next"
    return None


def _fallback(check: ModelCheck) -> str | None:
    """What holds for every value seen: a dict's keys, or the value's type."""
    values = check.values
    if check.kind in ("repr", "str") or not values:
        return None
    first = values[0]
    same_keys = all(isinstance(v, dict) and set(v) == set(first) for v in values)
    if same_keys and first and all(isinstance(k, str) for k in first):
        return "keys"
    types = {type(v) for v in values}
    if len(types) == 1 and getattr(builtins, type(first).__name__, None) is type(first):
        return "type" if first is not None else None
    return None
