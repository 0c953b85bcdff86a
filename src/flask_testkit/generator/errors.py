"""The one error type the generator raises for problems a user can fix."""

from __future__ import annotations


class GeneratorError(Exception):
    """A problem with the input; the message is one line that says what to do next."""
