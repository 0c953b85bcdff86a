"""The test cases the generator writes: what each sets up, sends, and expects."""

from __future__ import annotations

import http
from dataclasses import dataclass, field
from typing import Any

from .reading.routes import Endpoint

HAPPY = "happy"
NOT_FOUND = "not_found"
UNAUTHENTICATED = "unauthenticated"
FORBIDDEN = "forbidden"
NOT_OWNER = "not_owner"
EMPTY_BODY = "empty_body"
INVALID_BODY = "invalid_body"
NOT_ALLOWED = "method_not_allowed"
FORM_REJECTED = "form_rejected"
WRONG_PASSWORD = "wrong_password"
INVALID_QUERY = "invalid_query"
MISSING_QUERY = "missing_query"
NOT_ACCEPTABLE = "not_acceptable"
DUPLICATE = "duplicate"
# Found by the coverage-guided search: a request that ran lines no other case ran.
VARIANT = "variant"  # and succeeded
REFUSED_VARIANT = "refused_variant"  # and was refused (4xx)
HAPPY_KINDS = (HAPPY, VARIANT)
ERROR_KINDS = (
    REFUSED_VARIANT,
    DUPLICATE,
    INVALID_QUERY,
    MISSING_QUERY,
    NOT_FOUND,
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_OWNER,
    EMPTY_BODY,
    INVALID_BODY,
    NOT_ALLOWED,
    WRONG_PASSWORD,
    NOT_ACCEPTABLE,
)


@dataclass
class Setup:
    """A row (or rows) a test creates with a factory before its request."""

    var: str
    factory: str
    model: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    batch: int = 0
    delete: bool = False


@dataclass
class Request:
    """The request a test sends; `path` is Python source (a string or an f-string)."""

    method: str
    path: str
    body: dict[str, Any] | None = None
    body_kind: str = "json"
    auth: str | None = None  # None, "user" or "admin"
    query: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """What the app did when probed."""

    status: int = 0
    json: Any = None
    text: str = ""
    mimetype: str = ""
    location: str | None = None
    www_authenticate: str | None = None
    exception: BaseException | None = None
    setup_error: str | None = None  # the test's own setup failed: nothing was sent to the app
    handled_exception: BaseException | None = None
    network: list[str] = field(default_factory=list)
    timed_out: bool = False
    row_gone: bool | None = None
    # Columns of the row the URL names that a successful write changed, with their new values.
    row_changes: dict[str, Any] = field(default_factory=dict)
    volatile: set[str] = field(default_factory=set)
    row_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    row_keys: dict[str, str] = field(default_factory=dict)  # variable -> primary-key attribute
    volatile_paths: set[tuple[str, ...]] = field(default_factory=set)
    rerun: Outcome | None = None  # the same case after other rows were made first
    # (model, column, value) of each unique column of the rows the request inserted.
    inserted_unique: list[tuple[str, str, Any]] = field(default_factory=list)
    # (model, column values) of each row the request inserted.
    inserted_rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # The calls the request made to the app's service functions (ServiceCall).
    service_calls: list[Any] = field(default_factory=list)
    # (form class, errors) of each WTForms form that refused the request's data.
    refused_forms: list[tuple[type[Any], dict[str, Any]]] = field(default_factory=list)
    # What the app's own code read of the request (its query, body, headers, session...).
    input_reads: set[str] = field(default_factory=set)
    # The keys it looked up, by where: "json", "form", "args", "files", "headers", "session".
    keys_read: dict[str, list[str]] = field(default_factory=dict)
    last_key_read: tuple[str, str] | None = None  # (where, key)
    view_ran: bool = False
    # The rule's arguments as the view got them, and the (model, value) of each row it looked up.
    view_args: dict[str, Any] = field(default_factory=dict)
    row_lookups: list[tuple[type[Any], Any]] = field(default_factory=list)
    # (model, {attribute: value}) of each SELECT that compared a model's columns with values.
    row_searches: list[tuple[type[Any], dict[str, Any]]] = field(default_factory=list)

    @property
    def server_error(self) -> bool:
        """True when the app crashed or answered 5xx."""
        return self.exception is not None or self.status >= 500

    @property
    def succeeded(self) -> bool:
        """True for a 2xx or 3xx answer."""
        return self.exception is None and 200 <= self.status < 400


@dataclass
class Case:
    """One generated test."""

    endpoint: Endpoint
    kind: str
    request: Request
    setups: list[Setup] = field(default_factory=list)
    outcome: Outcome | None = None
    name: str = ""
    model_hint: str | None = None
    comment: str = ""  # why a literal in the request means what the test says
    subject: str = ""  # what the case is about, for its name: the duplicated column
    # The path values the URL was built from, by argument; an argument not here is a literal.
    paths: dict[str, str] = field(default_factory=dict)
    # For a method-not-allowed case: every method the rule was seen to answer with 405.
    methods: list[str] = field(default_factory=list)

    @property
    def is_error_case(self) -> bool:
        """True for the cases that check how the endpoint refuses a request."""
        return self.kind in ERROR_KINDS


def url_row(case: Case) -> Setup | None:
    """The row the case's URL names: its last single row, made and not deleted."""
    rows = [s for s in case.setups if not s.batch and not s.delete]
    return rows[-1] if rows else None


def status_words(status: int) -> str:
    """snake_case words for a status, e.g. 404 -> not_found."""
    if 300 <= status < 400:
        return "redirects"
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        return f"status_{status}"
    return "_".join(phrase.lower().replace("-", " ").replace("'", "").split())


def case_subject(case: Case) -> str:
    """What a case tries, as a name's middle part: "_with_duplicate_email", "" for a happy path."""
    return {
        HAPPY: "",
        NOT_FOUND: f"_with_missing_{case.model_hint or 'item'}",
        UNAUTHENTICATED: "_without_credentials",
        FORBIDDEN: "_as_member",
        NOT_OWNER: f"_of_another_users_{case.model_hint or 'row'}",
        EMPTY_BODY: "_with_empty_body",
        INVALID_BODY: "_with_invalid_types",
        FORM_REJECTED: "_with_empty_form",
        WRONG_PASSWORD: "_with_wrong_password",
        INVALID_QUERY: "_with_invalid_query",
        MISSING_QUERY: "_without_query",
        NOT_ACCEPTABLE: "_asking_for_xml",
        DUPLICATE: f"_with_duplicate_{case.subject or 'value'}",
        VARIANT: f"_{case.subject}" if case.subject else "",
        REFUSED_VARIANT: f"_{case.subject}" if case.subject else "",
    }.get(case.kind, "")


def case_name(case: Case, taken: set[str]) -> str:
    """A unique test name that says what is checked."""
    fn = case.endpoint.function_name
    outcome = case.outcome
    if outcome is not None and outcome.server_error:
        result = "does_not_fail"
    else:
        result = "returns_" + status_words(outcome.status) if outcome else "works"
        if result == "returns_redirects":
            result = "redirects"
    what = case_subject(case)
    if case.kind == NOT_ALLOWED:
        slug = "_".join(case.endpoint.static_segments + [a.name for a in case.endpoint.arguments])
        if len(case.methods) > 1:
            name = f"test_other_methods_are_not_allowed_on_{slug or 'root'}"
        else:
            name = f"test_{case.request.method.lower()}_is_not_allowed_on_{slug or 'root'}"
    elif case.kind == FORM_REJECTED or (
        case.is_error_case and outcome and outcome.status == 200 and outcome.refused_forms
    ):
        name = f"test_{fn}{what}_shows_the_form_again"
    else:
        name = f"test_{fn}{what}_{result}"
    from .code import snake

    name = "test_" + snake(name[5:])
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name}_{n}", n + 1
    taken.add(unique)
    return unique
