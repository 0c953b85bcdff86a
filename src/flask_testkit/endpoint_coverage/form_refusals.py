"""Form pages that answer a refused submission with the form again: error cases, not success.

An HTML app shows a form that failed validation again, with 200. The status alone would count
that as a happy path; the form's own verdict says what it is. A submission the form accepted but
the view refused (a wrong password) is shown again with a flashed warning, or with an error the
view added to the form, which the page then renders.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from typing import Any

from flask import has_request_context, message_flashed, request, template_rendered

#: Set in a request's WSGI environ when a WTForms form refused the data it was sent.
FORM_REFUSED = "flask_testkit.endpoint_coverage.form_refused"
#: Flash categories that Flask's docs and the Bootstrap themes use for a refusal.
REFUSING_CATEGORIES = frozenset({"error", "danger", "warning"})

_original: list[Any] = []


def _on_flashed(sender: object, message: str, category: str, **extra: object) -> None:
    if category in REFUSING_CATEGORIES and has_request_context():
        request.environ[FORM_REFUSED] = True


def forms_shown_with_errors(context: Mapping[str, Any]) -> list[Any]:
    """The WTForms forms a template was given that hold errors: a refusal, on the page."""
    # No form can exist before WTForms is imported.
    wtforms = sys.modules.get("wtforms")
    if wtforms is None:
        return []
    return [v for v in context.values() if isinstance(v, wtforms.Form) and v.errors]


def _on_rendered(
    sender: object, template: object, context: Mapping[str, Any], **extra: object
) -> None:
    if has_request_context() and forms_shown_with_errors(context):
        request.environ[FORM_REFUSED] = True


def watch_forms() -> None:
    """Mark every request whose form was refused: by validation, a warning, or on the page."""
    message_flashed.connect(_on_flashed)
    template_rendered.connect(_on_rendered)
    if _original or importlib.util.find_spec("wtforms") is None:
        return
    from wtforms import Form  # type: ignore[import-untyped]

    validate = Form.validate
    _original.append(validate)

    def watched(self: Any, *args: Any, **kwargs: Any) -> Any:
        valid = validate(self, *args, **kwargs)
        if not valid and has_request_context():
            request.environ[FORM_REFUSED] = True
        return valid

    Form.validate = watched


def unwatch_forms() -> None:
    """Put WTForms' own validation back, and stop listening to flashed messages."""
    message_flashed.disconnect(_on_flashed)
    template_rendered.disconnect(_on_rendered)
    if _original:
        from wtforms import Form

        Form.validate = _original.pop()


def refused_a_form(status: int) -> bool:
    """True when this request's form refused its data and the page answered it with 2xx."""
    refused = bool(request.environ.pop(FORM_REFUSED, False))
    return refused and 200 <= status < 300 and request.method not in ("GET", "HEAD")
