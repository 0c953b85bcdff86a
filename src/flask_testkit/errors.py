"""The one-line errors the plugin reports for misconfiguration."""

from __future__ import annotations

import pytest


class ConfigurationError(Exception):
    """A problem the user fixes in their settings; the message says how."""

    def __init__(self, message: str) -> None:
        super().__init__(f"flask-testkit: {message}")


def one_line(exc: BaseException) -> str:
    """An exception as a single line, for messages that must fit on one."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def one_line_failure(message: str) -> BaseException:
    """The exception pytest shows as just `message`, with no traceback."""
    try:
        pytest.fail(message, pytrace=False)
    except pytest.fail.Exception as failure:
        return failure
    raise AssertionError("pytest.fail returned")  # pragma: no cover
