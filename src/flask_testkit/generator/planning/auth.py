"""Work out how the app authenticates, and how the generated tests sign in."""

from __future__ import annotations

import base64
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask

from ..cases import Case, Request, Setup
from ..code import Code, string
from ..reading.routes import Endpoint
from ..reading.view_source import session_key_of
from .payloads import body_for
from .values import column_kind, is_password_name

if TYPE_CHECKING:
    from ..probing.prober import Prober
    from ..reading.models import ModelInfo, ModelScan

_LOGIN_WORDS = ("login", "signin", "sign_in", "sign-in", "token", "authenticate", "session")
_ADMIN_FLAGS = ("is_admin", "admin", "is_superuser", "superuser", "is_staff")
_ROLE_COLUMNS = ("role", "user_role", "kind", "type", "level")


# A request signed in through the app's second mechanism (its API's tokens), as `user`; and
# one that sends `user`'s credentials to that mechanism's token endpoint.
API_USER = "api_user"
API_LOGIN = "api_login"


@dataclass
class AuthSpec:
    """The app's sign-in mechanism and what the conftest needs to use it."""

    kind: str  # "bearer", "basic", "session" (Flask-Login) or "session_key" (the app's own)
    user_model: ModelInfo
    login: Endpoint | None = None
    login_body: dict[str, Any] = field(default_factory=dict)
    token_path: list[str | int] = field(default_factory=list)
    admin_kwargs: dict[str, Any] | None = None
    imports: set[tuple[str, str]] = field(default_factory=set)
    identity: str = ""  # the user column sent as the HTTP Basic username, or kept in the session
    session_key: str = ""  # where the app's own login view keeps the signed-in user
    # A token endpoint behind HTTP Basic: the user column sent as the username to get a token.
    login_identity: str = ""
    # Users made through the app's own register endpoint, which stores the password its way:
    # the body it takes, and the column that finds the new row again.
    register: Endpoint | None = None
    register_body: dict[str, Any] = field(default_factory=dict)
    register_lookup: str = ""
    # A second mechanism beside session sign-in: the tokens or credentials of the app's API,
    # for the same users ("api_user" in a request).
    alternate: AuthSpec | None = None

    @property
    def user_factory(self) -> str:
        """The factory that makes users."""
        return f"{self.user_model.name}Factory"

    def sign_in(self, prober: Prober, client: Any, names: dict[str, Any], who: str) -> Any:
        """Create the user and sign in as the conftest fixtures do; gives (client, headers)."""
        from ..probing.prober import resolve

        if who in (API_USER, API_LOGIN) and self.alternate is not None:
            return self.alternate.sign_in(
                prober, client, names, "user" if who == API_USER else "login"
            )
        admin = who == "admin"
        kwargs = resolve(self.admin_kwargs or {}, names) if admin else {}
        if self.register is not None:
            from .registration import registered_user

            user = registered_user(self, client, names, kwargs)
        else:
            user = names[self.user_factory](**kwargs)
        names["admin_user" if admin else "user"] = user
        if who == "registered":  # the login endpoint's own request signs in
            return client, {}
        if self.kind == "session":
            from flask_login import FlaskLoginClient  # type: ignore[import-untyped]

            return FlaskLoginClient(prober.app, prober.app.response_class, user=user), {}
        if self.kind == "session_key":
            with client.session_transaction() as session:
                session[self.session_key] = getattr(user, self.identity)
            return client, {}
        if self.kind == "basic":
            return client, {"Authorization": basic_authorization(getattr(user, self.identity))}
        if self.login_identity:
            basic = {"Authorization": basic_authorization(getattr(user, self.login_identity))}
            if who == "login":  # the token endpoint's own tests send the credentials
                return client, basic
            response = client.post(self.login.rule if self.login else "", headers=basic)
        else:
            assert self.login is not None
            body = resolve(self.login_body, {**names, "user": user})
            response = client.post(self.login.rule, json=body)
        token: Any = response.get_json(silent=True)
        for key in self.token_path:
            token = token[key]
        return client, {"Authorization": f"Bearer {token}"}


def user_model_of(app: Flask, scan: ModelScan | None) -> ModelInfo | None:
    """The model that stands for users: it takes a password, or is Flask-Login's user."""
    if scan is None:
        return None
    with_password = [m for m in scan.models if m.password_setter or m.constructor_password]
    if with_password:
        return with_password[0]
    mixin = [m for m in scan.models if hasattr(m.cls, "get_id") and hasattr(m.cls, "is_active")]
    if mixin:
        return mixin[0]
    named = [m for m in scan.models if _user_like_name(m.name)]
    # A user model stores a password, as a hash or as it was given: the first one that does.
    stored = [m for m in named if any(is_password_name(c.key) for c in m.columns)]
    return next(iter(stored or named), None)


def _user_like_name(name: str) -> bool:
    """`User`, `Users`, `UserModel`, `AppUser`, `Account`..., not `UserRole` or `Username`."""
    lowered = name.lower().removesuffix("model").removesuffix("s")
    return lowered.endswith(("user", "account", "member"))


def login_candidates(endpoints: list[Endpoint]) -> list[Endpoint]:
    """POST endpoints whose name or rule says they sign a user in."""
    found = []
    for endpoint in endpoints:
        text = f"{endpoint.endpoint} {endpoint.rule}".lower()
        signs_in = any(word in text for word in _LOGIN_WORDS) and "logout" not in text
        if endpoint.method == "POST" and not endpoint.arguments and signs_in:
            found.append(endpoint)
    return found


def detect_auth(
    app: Flask, scan: ModelScan | None, endpoints: list[Endpoint], prober: Prober
) -> tuple[AuthSpec | None, list[str]]:
    """The sign-in mechanism, found by reading the app and probing its login endpoint."""
    notes: list[str] = []
    user_model = user_model_of(app, scan)
    if user_model is None:
        return None, notes
    admin_kwargs, imports = _admin_kwargs(user_model)
    session = None
    if getattr(app, "login_manager", None) is not None and hasattr(user_model.cls, "get_id"):
        session = AuthSpec("session", user_model, admin_kwargs=admin_kwargs, imports=imports)
    for endpoint in login_candidates(endpoints) if session is None else []:
        kept = session_key_of(endpoint.view)
        if kept is not None:
            session = AuthSpec("session_key", user_model, admin_kwargs=admin_kwargs)
            session.imports = imports
            session.session_key, session.identity = kept
            break
    if session is not None:
        # Pages signed in through the session, and often an API beside them with its tokens.
        token = _token_mechanism(app, user_model, endpoints, prober, notes, quiet=True)
        if token is not None and token.register is None:
            session.alternate = token
        return session, notes
    return _token_mechanism(app, user_model, endpoints, prober, notes), notes


def _token_mechanism(
    app: Flask,
    user_model: ModelInfo,
    endpoints: list[Endpoint],
    prober: Prober,
    notes: list[str],
    quiet: bool = False,
) -> AuthSpec | None:
    """Signing in with credentials on each request, or a token a login endpoint gives."""
    admin_kwargs, imports = _admin_kwargs(user_model)
    for endpoint in login_candidates(endpoints):
        body = body_for(endpoint.view, user_model)
        if body is None or body.kind != "json":
            continue
        login_body = credentials(body.fields, user_model)
        if login_body is None:
            continue
        spec = AuthSpec("bearer", user_model, endpoint, login_body, [], admin_kwargs, imports)
        setup = Setup("user", spec.user_factory, user_model.name)
        request = Request("POST", repr(endpoint.rule), login_body, "json")
        outcome = prober.run(Case(endpoint, "login", request, [setup]))
        path = token_path(outcome.json)
        if outcome.status == 200 and path:
            spec.token_path = path
            return spec
        from .registration import through_register

        registered = through_register(spec, endpoints, prober)
        if registered is not None:
            return registered
    for endpoint in login_candidates(endpoints):
        behind_basic = _token_behind_basic(endpoint, user_model, prober, admin_kwargs, imports)
        if behind_basic is not None:
            return behind_basic
    basic = _detect_basic(user_model, endpoints, prober, admin_kwargs, imports)
    if basic is not None:
        return basic
    if "flask-jwt-extended" in app.extensions and not quiet:
        notes.append("flask-jwt-extended is set up, but no login endpoint gave a token to sign in")
    return None


def credentials(fields: dict[str, Any], user: ModelInfo) -> dict[str, Any] | None:
    """The login body with the fixture user's identity and TEST_PASSWORD, if it has both."""
    columns = {c.key for c in user.columns}
    body: dict[str, Any] = {}
    has_password = False
    for key in fields:
        if is_password_name(key):
            body[key] = Code("TEST_PASSWORD")
            has_password = True
        elif key in columns:
            body[key] = Code(f"user.{key}")
        elif "email" in key and "email" in columns:
            body[key] = Code("user.email")
        elif key in ("login", "identifier", "user") and "username" in columns:
            body[key] = Code("user.username")
    return body if has_password and len(body) >= 2 else None


def token_path(data: Any, path: list[str | int] | None = None) -> list[str | int] | None:
    path = path or []
    if isinstance(data, dict):
        for key, value in data.items():
            named = "token" in str(key).lower() and "refresh" not in str(key).lower()
            if named and isinstance(value, str) and len(value) > 10:
                return [*path, key]
            found = token_path(value, [*path, key])
            if found:
                return found
    return None


def _admin_kwargs(user: ModelInfo) -> tuple[dict[str, Any] | None, set[tuple[str, str]]]:
    """Factory arguments that would make an administrator, when the model has a role or flag."""
    for column in user.columns:
        key = column.key.lower()
        if key in _ADMIN_FLAGS and column_kind(column) == "boolean":
            return {column.key: True}, set()
        if key in _ROLE_COLUMNS or key.endswith("_role"):
            enum_class = column.enum_class
            if enum_class is not None:
                member = _admin_member(enum_class)
                if member is not None:
                    code = Code(f"{enum_class.__name__}.{member.name}")
                    return {column.key: code}, {(enum_class.__module__, enum_class.__name__)}
                continue
            choices = list(getattr(column.sa_type, "enums", None) or [])
            admin = next((c for c in choices if "admin" in c.lower()), None)
            if admin or (column_kind(column) == "string" and not choices):
                return {column.key: admin or "admin"}, set()
    return None, set()


def _admin_member(enum_class: type[enum.Enum]) -> enum.Enum | None:
    for member in enum_class:
        if "admin" in member.name.lower() or "admin" in str(member.value).lower():
            return member
    return None


def basic_authorization(username: str) -> str:
    """The Authorization header value for username and TEST_PASSWORD."""
    from .values import TEST_PASSWORD

    token = base64.b64encode(f"{username}:{TEST_PASSWORD}".encode()).decode()
    return f"Basic {token}"


_IDENTITIES = ("username", "email", "login", "name")


def _token_behind_basic(
    endpoint: Endpoint,
    user_model: ModelInfo,
    prober: Prober,
    admin_kwargs: dict[str, Any] | None,
    imports: set[tuple[str, str]],
) -> AuthSpec | None:
    """A token endpoint that takes HTTP Basic credentials and answers with a token in JSON."""
    columns = [c.key for c in user_model.columns]
    for identity in (name for name in _IDENTITIES if name in columns):
        prober.auth = AuthSpec("basic", user_model, identity=identity)
        request = Request(endpoint.method, string(endpoint.rule), auth="user")
        outcome = prober.run(Case(endpoint, "login", request))
        path = token_path(outcome.json)
        if outcome.status in (200, 201) and path:
            spec = AuthSpec("bearer", user_model, endpoint, {}, path, admin_kwargs, imports)
            spec.login_identity = identity
            return spec
    prober.auth = None
    return None


def _detect_basic(
    user_model: ModelInfo,
    endpoints: list[Endpoint],
    prober: Prober,
    admin_kwargs: dict[str, Any] | None,
    imports: set[tuple[str, str]],
) -> AuthSpec | None:
    """HTTP Basic, found by a GET that answers 401 with `WWW-Authenticate: Basic`."""
    columns = [c.key for c in user_model.columns]
    for endpoint in endpoints:
        if endpoint.method != "GET" or endpoint.arguments:
            continue
        request = Request("GET", string(endpoint.rule))
        challenge = prober.run(Case(endpoint, "probe", request)).www_authenticate or ""
        if not challenge.lower().startswith("basic"):
            continue
        for identity in _IDENTITIES:
            if identity not in columns:
                continue
            spec = AuthSpec("basic", user_model, admin_kwargs=admin_kwargs, imports=imports)
            spec.identity = identity
            prober.auth = spec
            signed_in = Request("GET", string(endpoint.rule), auth="user")
            if prober.run(Case(endpoint, "probe", signed_in)).succeeded:
                return spec
        return None
    return None
