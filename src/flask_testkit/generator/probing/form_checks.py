"""Which WTForms forms a request validated, and the ones that refused what was sent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def refused_forms() -> Iterator[list[tuple[type[Any], dict[str, Any]]]]:
    """Yield (form class, errors) for each form whose validation failed inside the block.

    A view often picks its form at run time (one for signed-in users, one for guests), so the
    form that reading the code finds first may not be the one the request is checked against.
    """
    refused: list[tuple[type[Any], dict[str, Any]]] = []
    try:
        from wtforms import Form  # type: ignore[import-untyped]
    except ImportError:
        yield refused
        return
    original = Form.validate

    def validate(self: Any, *args: Any, **kwargs: Any) -> bool:
        valid = bool(original(self, *args, **kwargs))
        if not valid:
            refused.append((type(self), dict(self.errors)))
        return valid

    Form.validate = validate
    try:
        yield refused
    finally:
        Form.validate = original
