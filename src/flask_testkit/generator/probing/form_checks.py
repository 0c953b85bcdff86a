"""Which WTForms forms a request validated, and the ones that refused what was sent."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import template_rendered

from flask_testkit.endpoint_coverage.form_refusals import forms_shown_with_errors


@contextmanager
def refused_forms() -> Iterator[list[tuple[type[Any], dict[str, Any]]]]:
    """Yield (form class, errors) for each form refused inside the block.

    A form is refused when its validation fails, or when the page shows it with errors the view
    added (a wrong password). A view often picks its form at run time (one for signed-in users,
    one for guests), so the form that reading the code finds first may not be the one the
    request is checked against.
    """
    refused: list[tuple[type[Any], dict[str, Any]]] = []
    try:
        from wtforms import Form  # type: ignore[import-untyped]
    except ImportError:
        yield refused
        return
    original = Form.validate
    seen: set[int] = set()

    def note(form: Any) -> None:
        if id(form) not in seen:
            seen.add(id(form))
            refused.append((type(form), dict(form.errors)))

    def validate(self: Any, *args: Any, **kwargs: Any) -> bool:
        valid = bool(original(self, *args, **kwargs))
        if not valid:
            note(self)
        return valid

    def rendered(
        sender: object, template: object, context: Mapping[str, Any], **extra: Any
    ) -> None:
        for form in forms_shown_with_errors(context):
            note(form)

    Form.validate = validate
    template_rendered.connect(rendered)
    try:
        yield refused
    finally:
        Form.validate = original
        template_rendered.disconnect(rendered)
