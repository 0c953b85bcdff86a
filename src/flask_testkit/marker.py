"""The `flask_db` marker's isolation options, known to the isolation while a test runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from flask_testkit.errors import one_line_failure

if TYPE_CHECKING:
    from collections.abc import Generator

MARKER = "flask_db"
_ARGUMENTS = ("transaction", "reset_sequences")


@dataclass(frozen=True)
class IsolationOptions:
    """How the running test's database is isolated."""

    transaction: bool = False
    reset_sequences: bool = False


_DEFAULT = IsolationOptions()
_current = _DEFAULT


def current_options() -> IsolationOptions:
    """The options of the test running now (the defaults outside a test)."""
    return _current


def options_of(item: pytest.Item) -> IsolationOptions:
    """The options a test's `flask_db` marker asks for, or a one-line failure for a typo."""
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return _DEFAULT
    unknown = sorted(set(marker.kwargs) - set(_ARGUMENTS))
    if unknown or marker.args:
        raise one_line_failure(
            f"flask-testkit: @pytest.mark.{MARKER} takes the keyword arguments "
            f"{', '.join(_ARGUMENTS)}; got {', '.join(unknown) or repr(marker.args)}."
        )
    return IsolationOptions(
        transaction=bool(marker.kwargs.get("transaction", False)),
        reset_sequences=bool(marker.kwargs.get("reset_sequences", False)),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(transaction=False, reset_sequences=False): transaction=True commits for real "
        "and empties the tables the test filled; reset_sequences=True restarts sequences first.",
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    global _current
    try:
        _current = options_of(item)
    except pytest.fail.Exception as failure:
        # Raised once setup has run, so that pytest's teardown finds what it expects.
        yield
        raise failure from None
    return (yield)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    global _current
    try:
        return (yield)
    finally:
        _current = _DEFAULT
