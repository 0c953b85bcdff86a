"""Redirects that send a request without credentials to the login view: error cases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from flask import has_request_context, request
from flask.globals import _cv_request
from werkzeug.exceptions import HTTPException

if TYPE_CHECKING:
    from flask import Flask, Response

#: Set in a request's WSGI environ when Flask-Login turned the request away.
UNAUTHENTICATED = "flask_testkit.endpoint_coverage.unauthenticated"
#: Set in a request's WSGI environ when it arrived with credentials: a token or a session.
CREDENTIALED = "flask_testkit.endpoint_coverage.credentialed"
#: Session keys only the app's own code fills: Flask's flashed messages, Flask-WTF's CSRF token.
APPS_OWN_SESSION_KEYS = frozenset({"_flashes", "csrf_token"})
# Session keys that anyone's session holds, signed in or not.
_ANYONES_KEYS = APPS_OWN_SESSION_KEYS | {"_permanent", "_fresh", "_id", "next"}


def login_signals() -> list[Any]:
    """Flask-Login's signals for a request it turns away, when Flask-Login is installed."""
    try:
        from flask_login.signals import (  # type: ignore[import-untyped]
            user_needs_refresh,
            user_unauthorized,
        )
    except ImportError:
        return []
    return [user_unauthorized, user_needs_refresh]


def mark_unauthenticated(sender: object, **extra: object) -> None:
    """Note on the request that Flask-Login sent it to the login view (or refused it)."""
    if has_request_context():
        request.environ[UNAUTHENTICATED] = True


def opened_session() -> Any:
    """The request's session as it was opened, read without marking it accessed.

    Flask 3.1.3 marks it accessed when it is read through the context, and then adds a
    `Vary: Cookie` header to the response: a recorder must not change what the app sends.
    """
    context = _cv_request.get(None)
    fields = vars(context) if context is not None else {}
    return fields.get("_session", fields.get("session"))


def note_credentials(sender: object, **extra: object) -> None:
    """Note on the request, before the app's code runs, whether it carries credentials."""
    if not has_request_context():
        return
    opened = opened_session()
    keys = set(dict.keys(opened)) if isinstance(opened, dict) else set()
    signed_in = "Authorization" in request.headers or bool(keys - _ANYONES_KEYS)
    request.environ[CREDENTIALED] = signed_in


def credentialed() -> bool:
    """Whether this request arrived with credentials."""
    return bool(request.environ.get(CREDENTIALED))


def redirects_elsewhere(app: Flask, response: Response) -> bool:
    """True when this response sends the request on to another endpoint of the app."""
    location = response.headers.get("Location")
    if not location or not 300 <= response.status_code < 400:
        return False
    return _endpoint_of(app, urlsplit(location).path) not in (None, request.endpoint)


def sends_to_login(app: Flask, response: Response) -> bool:
    """True when this redirect answers a request that lacked credentials."""
    if request.environ.get(UNAUTHENTICATED):
        return True
    location = response.headers.get("Location")
    if not location:
        return False
    # Without Flask-Login, a login_required decorator sends the request on with its own URL
    # (?next=/orders) so that signing in can bring it back; no other redirect carries it.
    target = urlsplit(location)
    own = {request.path, request.full_path, request.url, request.base_url, request.full_path[:-1]}
    if not any(value in own for _, value in parse_qsl(target.query)):
        return False
    return _endpoint_of(app, target.path) not in (None, request.endpoint)


def _endpoint_of(app: Flask, path: str) -> str | None:
    adapter = app.create_url_adapter(request)
    if adapter is None:
        return None
    root = request.script_root
    if root and path.startswith(root):
        path = path[len(root) :]
    try:
        endpoint, _ = adapter.match(path, method="GET")
    except HTTPException:  # a redirect elsewhere, or to no rule, names no endpoint
        return None
    return str(endpoint)
