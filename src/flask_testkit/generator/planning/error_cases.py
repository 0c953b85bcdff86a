"""The ways an endpoint refuses a request: missing rows, no credentials, bad bodies, 405."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..cases import (
    DUPLICATE,
    EMPTY_BODY,
    FORBIDDEN,
    FORM_REJECTED,
    INVALID_BODY,
    INVALID_QUERY,
    MISSING_QUERY,
    NOT_ACCEPTABLE,
    NOT_ALLOWED,
    NOT_FOUND,
    NOT_OWNER,
    UNAUTHENTICATED,
    WRONG_PASSWORD,
    Case,
    Outcome,
    Request,
    Setup,
)
from ..code import Code, snake
from .case_requests import request_for
from .declared_schemas import invalid_query
from .schemas import BodySpec

if TYPE_CHECKING:
    from ..reading.routes import Endpoint
    from .auth import AuthSpec
    from .endpoint_plans import EndpointPlan
    from .row_setups import RowSetups


BODY_METHODS = ("POST", "PUT", "PATCH")
# A type no JSON API serves: an app that negotiates content answers 406 Not Acceptable.
NON_JSON_ACCEPT = {"Accept": "application/xml"}


class ErrorCases:
    """Probes the error cases around a request that works (or the closest one to it)."""

    auth: AuthSpec | None
    rows: RowSetups

    def _probe(self, case: Case) -> Case:
        raise NotImplementedError

    def _login_body(self, endpoint: Endpoint) -> BodySpec | None:
        raise NotImplementedError

    def error_cases(self, plan: EndpointPlan, base: Case, unauthenticated: Case | None) -> None:
        """Probe the ways the endpoint refuses requests near base; keep those it refuses."""
        endpoint = base.endpoint
        succeeded = base.outcome is not None and base.outcome.succeeded
        if unauthenticated is not None and base.request.auth is not None:
            unauthenticated.kind = UNAUTHENTICATED
            plan.cases.append(unauthenticated)
        if base.request.auth == "admin":
            member = _clone(base, FORBIDDEN, auth="user", setups=_swap_owner(base.setups))
            member.request.path = member.request.path.replace("admin_user", "user")
            self._keep_if_refused(plan, member)
        if base.request.auth == "user" and succeeded:
            self._not_owner(plan, base)
        if self._login_body(endpoint) is not None and succeeded:
            body = {
                k: "not-the-password" if v == Code("TEST_PASSWORD") else v
                for k, v in (base.request.body or {}).items()
            }
            wrong = _clone(base, WRONG_PASSWORD, body=body)
            self._probe(wrong)
            if wrong.outcome and (wrong.outcome.status >= 400 or wrong.outcome.status == 200):
                plan.cases.append(wrong)
            return
        wrong_query = invalid_query(endpoint.view) if endpoint.method == "GET" else None
        if wrong_query:
            query_case = _clone(base, INVALID_QUERY)
            query_case.request.query = wrong_query
            self._keep_if_refused(plan, query_case)
        if succeeded and base.request.query:
            # The query the request that works had to send: without it, the client's error.
            bare = _clone(base, MISSING_QUERY)
            bare.request.query = None
            self._keep_if_refused(plan, bare)
        path_setups = [s for s in base.setups if not s.batch]
        if succeeded and path_setups:
            gone = list(base.setups)
            gone[gone.index(path_setups[-1])] = _replace_setup(path_setups[-1], delete=True)
            missing = _clone(base, NOT_FOUND, setups=gone)
            missing.model_hint = snake(path_setups[-1].model)  # the row it deletes first
            self._keep_if_refused(plan, missing)
        elif succeeded and any(a.converter == "UnicodeConverter" for a in endpoint.arguments):
            unknown = {
                a.name: "does-not-exist"
                for a in endpoint.arguments
                if a.converter == "UnicodeConverter"
            }
            missing = _clone(base, NOT_FOUND)
            missing.request.path = request_for(endpoint, unknown).path
            self._keep_if_refused(plan, missing)
        elif not succeeded and endpoint.arguments and base.outcome and base.outcome.status == 404:
            missing = _clone(base, NOT_FOUND, outcome=base.outcome)
            if not base.setups:
                missing.comment = "Nothing in this test creates what this URL names."
            plan.cases.append(missing)
        if endpoint.method in BODY_METHODS and base.request.body:
            empty = _clone(base, EMPTY_BODY, body={})
            self._probe(empty)
            form_redirected = base.request.body_kind == "form" and succeeded
            if form_redirected and empty.outcome and empty.outcome.status == 200:
                empty.kind = FORM_REJECTED
                plan.cases.append(empty)
            elif empty.outcome and (empty.outcome.server_error or empty.outcome.status >= 400):
                plan.cases.append(empty)
            wrong_body = BodySpec(base.request.body, base.request.body_kind, "").invalid()
            if wrong_body:
                invalid = _clone(base, INVALID_BODY, body=wrong_body)
                self._probe(invalid)
                same = (
                    empty.outcome
                    and invalid.outcome
                    and (
                        (empty.outcome.status, empty.outcome.json)
                        == (invalid.outcome.status, invalid.outcome.json)
                    )
                )
                if not same:
                    self._keep_if_refused(plan, invalid, probed=True)
        if endpoint.method == "POST" and succeeded and isinstance(base.request.body, dict):
            self._duplicate(plan, base)
        if endpoint.method == "GET" and succeeded and not plan.has_error:
            self._not_acceptable(plan, base)

    def _duplicate(self, plan: EndpointPlan, base: Case) -> None:
        """The guide's duplicate: a row that already holds a unique value the body sends."""
        assert base.outcome is not None and isinstance(base.request.body, dict)
        body = base.request.body
        for model, column, value in base.outcome.inserted_unique:
            sent = [
                key
                for key, given in body.items()
                if snake(str(key)) == column and type(given) in (str, int) and given == value
            ]
            if not sent:
                continue
            existing = Setup(f"existing_{snake(model)}", f"{model}Factory", model, {column: value})
            case = _clone(base, DUPLICATE, setups=[*base.setups, existing])
            case.subject = column
            self._keep_if_refused(plan, case)
            return

    def _not_owner(self, plan: EndpointPlan, base: Case) -> None:
        """The signed-in user asks for a row that is another user's: kept when it is refused.

        The happy path's row was made for the signed-in user; the same row made without that
        owner gets the factory's own user instead, someone else.
        """
        owned = [s for s in base.setups if not s.batch and _owned_by("user", s)]
        if not owned:
            return
        theirs = [_replace_setup(s, kwargs={}) if s in owned else s for s in base.setups]
        case = _clone(base, NOT_OWNER, setups=theirs)
        self._probe(case)
        # Only a refusal: a crash here may be the factory's owner-less row, not the app.
        if case.outcome and 400 <= case.outcome.status < 500:
            plan.cases.append(case)

    def _not_acceptable(self, plan: EndpointPlan, base: Case) -> None:
        """Content negotiation: kept only when the app refuses a non-JSON Accept with 406."""
        case = _clone(base, NOT_ACCEPTABLE)
        case.request.headers = dict(NON_JSON_ACCEPT)
        self._probe(case)
        if case.outcome and case.outcome.status == 406:
            plan.cases.append(case)

    def _keep_if_refused(self, plan: EndpointPlan, case: Case, probed: bool = False) -> None:
        if not probed:
            self._probe(case)
        outcome = case.outcome
        if (
            outcome
            and (outcome.server_error or 400 <= outcome.status < 500)
            and outcome.status != -1
        ):
            plan.cases.append(case)

    def not_allowed(self, endpoint: Endpoint) -> Case | None:
        """The methods the rule does not take, as one case; kept for those answered with 405."""
        # Rows behind the URL's ids keep the test free of made-up ids, though routing answers first.
        setups, paths = self.rows.path_rows(endpoint)
        refused: list[Case] = []
        for method in ("DELETE", "PUT", "PATCH", "POST", "GET"):
            if method in endpoint.methods:
                continue
            request = request_for(endpoint, paths)
            request.method = method
            case = self._probe(Case(endpoint, NOT_ALLOWED, request, list(setups)))
            if case.outcome and case.outcome.status == 405:
                refused.append(case)
        if not refused:
            return None
        refused[0].methods = [case.request.method for case in refused]
        return refused[0]


def _clone(
    base: Case,
    kind: str,
    *,
    auth: Any = "same",
    setups: list[Setup] | None = None,
    body: Any = "same",
    outcome: Outcome | None = None,
) -> Case:
    request = Request(
        base.request.method,
        base.request.path,
        base.request.body if body == "same" else body,
        base.request.body_kind,
        base.request.auth if auth == "same" else auth,
        query=dict(base.request.query) if base.request.query else None,
    )
    return Case(
        base.endpoint,
        kind,
        request,
        list(setups if setups is not None else base.setups),
        outcome,
        model_hint=base.model_hint,
    )


def _replace_setup(setup: Setup, **changes: Any) -> Setup:

    return replace(setup, **changes)


def _owned_by(fixture: str, setup: Setup) -> bool:
    """Whether the setup makes its row for the fixture's user (`author=user`, `user.id`)."""
    return any(
        isinstance(value, Code) and value.source.split(".")[0] == fixture
        for value in setup.kwargs.values()
    )


def _swap_owner(setups: list[Setup]) -> list[Setup]:
    swapped = []
    for setup in setups:
        kwargs = {
            k: Code(v.source.replace("admin_user", "user")) if isinstance(v, Code) else v
            for k, v in setup.kwargs.items()
        }
        swapped.append(_replace_setup(setup, kwargs=kwargs))
    return swapped
