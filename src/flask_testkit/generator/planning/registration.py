"""Users made through the app's own register endpoint, for apps that hash passwords in views.

A user a factory writes straight into the table cannot sign in when only the register view knows
how the app stores a password. Such an app's fixtures register the user through that endpoint
and find the row again by a unique column; the login endpoint then accepts its password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..cases import Case, Request
from ..code import Code
from .auth import credentials, token_path
from .payloads import body_for

if TYPE_CHECKING:
    from ..probing.prober import Prober
    from ..reading.routes import Endpoint
    from .auth import AuthSpec


_REGISTER_WORDS = ("register", "signup", "sign_up", "sign-up", "join")


def through_register(spec: AuthSpec, endpoints: list[Endpoint], prober: Prober) -> AuthSpec | None:
    """Sign in as a user the app's own register endpoint made, when a factory's user cannot."""
    assert spec.login is not None
    for register in endpoints:
        text = f"{register.endpoint} {register.rule}".lower()
        if register.method != "POST" or register.arguments:
            continue
        if not any(word in text for word in _REGISTER_WORDS):
            continue
        body = body_for(register.view, spec.user_model)
        fields = credentials(body.fields, spec.user_model) if body and body.kind == "json" else None
        if body is None or fields is None:
            continue
        lookup = _identity_column(fields)
        unique = {c.key for c in spec.user_model.columns if c.unique or c.primary_key}
        if lookup not in unique:
            continue
        spec.register_body = {**body.fields, **fields}
        spec.register, spec.register_lookup = register, lookup
        prober.auth = spec
        request = Request("POST", repr(spec.login.rule), spec.login_body, "json", "registered")
        outcome = prober.run(Case(spec.login, "login", request))
        path = token_path(outcome.json)
        if outcome.status == 200 and path:
            spec.token_path = path
            return spec
    spec.register = None
    prober.auth = None
    return None


def _identity_column(fields: dict[str, Any]) -> str:
    """The user column the body sends (`user.email`), which finds the registered row again."""
    sources = (value.source for value in fields.values() if isinstance(value, Code))
    return next((source[5:] for source in sources if source.startswith("user.")), "")


def registered_user(
    spec: AuthSpec, client: Any, names: dict[str, Any], kwargs: dict[str, Any]
) -> Any:
    """A user the register endpoint made, found again by its identity column."""
    from ..probing.prober import resolve

    assert spec.register is not None
    factory = names[spec.user_factory]
    values = factory.build()
    body = resolve(spec.register_body, {**names, "user": values})
    response = client.post(spec.register.rule, json=body)
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"{spec.register.rule} answered {response.status_code}")
    meta = factory._meta
    session = meta.sqlalchemy_session or meta.sqlalchemy_session_factory()
    lookup = {spec.register_lookup: getattr(values, spec.register_lookup)}
    user = session.scalar(sa.select(spec.user_model.cls).filter_by(**lookup))
    for key, value in kwargs.items():
        setattr(user, key, value)
    session.flush()
    return user
