"""Watch the app's service functions while the endpoints are probed: what each was called with.

A view hands its work to `user_service.create_user(data, actor)`. The call a request made, with
the same arguments, is the unit test the guide asks for: `tests/unit/test_user_service.py`.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..planning.values import TEST_PASSWORD


@dataclass(frozen=True)
class Row:
    """An argument that was a row of a model: the test passes a row its factory makes."""

    model: str
    key: Any  # its primary-key value when the call was made


@dataclass
class ServiceCall:
    """One call a request made to a service function, its arguments as a test can write them."""

    module: str
    name: str
    args: list[Any]
    kwargs: dict[str, Any]


class ServiceRecorder:
    """Wraps every public function of the service modules; records the calls views make."""

    def __init__(self, functions: list[str], packages: tuple[str, ...]) -> None:
        self._targets = [name.rsplit(".", 1) for name in functions]
        self._packages = packages
        self._saved: list[tuple[Any, str, Any]] = []
        self._calls: list[ServiceCall] | None = None
        self._depth = 0

    def install(self) -> None:
        """Put the wrappers in place, in the service modules and wherever a view imported one."""
        originals = {}
        for module_name, name in self._targets:
            function = getattr(sys.modules.get(module_name), name, None)
            if inspect.isfunction(function):
                originals[id(function)] = self._wrap(function, module_name, name)
        for module_name, module in list(sys.modules.items()):
            if module is None or module_name.split(".")[0] not in self._packages:
                continue
            for attr, value in list(vars(module).items()):
                wrapper = originals.get(id(value))
                if wrapper is not None:
                    self._saved.append((module, attr, value))
                    setattr(module, attr, wrapper)

    def uninstall(self) -> None:
        """Put the app's own functions back."""
        for module, attr, value in reversed(self._saved):
            setattr(module, attr, value)
        self._saved.clear()

    @contextmanager
    def recording(self) -> Iterator[list[ServiceCall]]:
        """Collect the calls made inside the block (a service calling another is not one)."""
        calls: list[ServiceCall] = []
        self._calls = calls
        try:
            yield calls
        finally:
            self._calls = None

    def _wrap(self, function: Callable[..., Any], module: str, name: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if self._calls is None or self._depth:
                return function(*args, **kwargs)
            written = [writable(a) for a in args], {k: writable(v) for k, v in kwargs.items()}
            if all(a is not _UNWRITABLE for a in [*written[0], *written[1].values()]):
                self._calls.append(ServiceCall(module, name, written[0], written[1]))
            self._depth += 1
            try:
                return function(*args, **kwargs)
            finally:
                self._depth -= 1

        return recorded


_UNWRITABLE = object()


def writable(value: Any) -> Any:
    """The value as a test can write it: a literal, a Row, or _UNWRITABLE."""
    mapper = _mapper(value)
    if mapper is not None:
        key = sa.inspect(value).identity
        return Row(mapper.class_.__name__, key[0] if key and len(key) == 1 else None)
    if hasattr(value, "to_dict") and hasattr(value, "getlist"):  # request.args, request.form
        value = value.to_dict()
    if isinstance(value, str) and value == TEST_PASSWORD:
        return value
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return _UNWRITABLE
    return value


def _mapper(value: Any) -> Any:
    try:
        return (
            sa.inspect(type(value), raiseerr=False)
            if hasattr(value, "_sa_instance_state")
            else None
        )
    except sa.exc.NoInspectionAvailable:
        return None
