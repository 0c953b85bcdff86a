"""Choose each endpoint's cases by probing: a request that works, then the ways it refuses."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from ..cases import HAPPY, Case, Outcome, Request, Setup
from ..code import snake, string
from ..probing.body_values import BodyValues
from ..probing.prober import Prober
from ..reading.model_lookup import ModelLookup
from ..reading.models import ModelInfo, ModelScan
from ..reading.routes import Endpoint
from .auth import API_LOGIN, API_USER, AuthSpec, credentials, login_candidates
from .case_requests import INTEGER_LITERAL, request_for
from .error_cases import BODY_METHODS, ErrorCases
from .exemptions import IdentityChecks
from .key_completion import KeyCompletion, with_request
from .looked_up_models import looked_up_models
from .payloads import body_for, form_body, referenced_objects
from .plans import EndpointPlan
from .row_setups import RowSetups, referenced_rows
from .schemas import BodySpec

__all__ = ["EndpointPlan", "Planner"]

_ACCOUNT_WORDS = ("register", "signup", "sign-up", "sign_up", "password", "reset")


class Planner(ErrorCases, KeyCompletion, IdentityChecks):
    """Plans every endpoint of the app."""

    def __init__(self, scan: ModelScan | None, prober: Prober, auth: AuthSpec | None) -> None:
        self.prober = prober
        self.auth = auth
        self.lookup = ModelLookup(scan)
        self.rows = RowSetups(self.lookup, auth)
        self.bodies = BodyValues(prober, self.lookup)

    def plan(self, endpoint: Endpoint) -> EndpointPlan:
        """Probe the endpoint and keep the cases that say something true about it."""
        plan = EndpointPlan(endpoint)
        if endpoint.redirect_to is not None or endpoint.view is None:
            plan.cases.append(self._probe(Case(endpoint, HAPPY, request_for(endpoint, {}))))
            return plan
        variants = list(self._variants(endpoint))
        remapped = False
        unauthenticated: Case | None = None
        happy: Case | None = None
        crashed: Case | None = None
        last: Case | None = None
        index = 0
        while index < len(variants):
            case = variants[index]
            index += 1
            self._probe(case)
            outcome = case.outcome
            assert outcome is not None
            if outcome.network or outcome.timed_out:
                reason = (
                    f"it needs a network service: {outcome.network[0]}"
                    if outcome.network
                    else "the request did not finish within the time limit"
                )
                plan.reasons.append(reason)
                return plan
            if (case.request.auth is None and outcome.status in (401, 403)) or (
                case.request.auth is None and self._to_login(outcome, endpoint)
            ):
                unauthenticated = unauthenticated or case
            if outcome.succeeded and not self._to_login(outcome, endpoint):
                happy = self._keyed_literals(self._with_the_validated_form(case))
                break
            completed = None if outcome.succeeded else self.completed(case)
            if completed and completed.outcome and not self._to_login(completed.outcome, endpoint):
                happy = self._keyed_literals(completed)
                break
            if outcome.server_error and crashed is None:
                crashed = case
            last = case
            if index == len(variants) and not remapped:
                # Nothing worked: the view may load another model than the arguments named.
                remapped = True
                for arg_models in looked_up_models(endpoint, variants, self.lookup):
                    variants += self._variants(endpoint, arg_models)
        chosen = happy or crashed
        if chosen is None and last is not None and last.outcome and last.outcome.setup_error:
            plan.reasons.append(last.outcome.setup_error)
        elif chosen is None:
            status = last.outcome.status if last and last.outcome else "nothing"
            plan.reasons.append(f"no request found that succeeds (it answered {status})")
        else:
            plan.cases.append(chosen)
        base = chosen or last
        if base is not None:
            self.error_cases(plan, base, unauthenticated)
        plan.everyone_accepted = self._everyone_accepted(plan)
        return plan

    def _keyed_literals(self, case: Case) -> Case:
        """The case, with a literal id in its URL that is a row's key written as that key.

        `/me/following/1` succeeds because the signed-in user happens to be row 1 in a new
        database; on another database, or after other rows, 1 is someone else or no one.
        """
        outcome = case.outcome
        assert outcome is not None
        endpoint = case.endpoint
        literal = int(INTEGER_LITERAL)
        for argument in endpoint.arguments:
            if argument.converter != "IntegerConverter" or argument.name in case.paths:
                continue
            for var, values in outcome.row_values.items():
                key = outcome.row_keys.get(var, "id")
                if values.get(key) != literal or type(values.get(key)) is not int:
                    continue
                paths = {**case.paths, argument.name: "{" + f"{var}.{key}" + "}"}
                request = case.request
                keyed = Case(
                    endpoint,
                    case.kind,
                    request_for(endpoint, paths, request.auth, request.body, request.body_kind),
                    case.setups,
                    model_hint=case.model_hint,
                    paths=paths,
                )
                keyed.request.query = request.query
                again = self._probe(keyed).outcome
                if again is not None and again.succeeded:
                    return keyed
        return case

    def _with_the_validated_form(self, case: Case) -> Case:
        """The case, its body made for the form the view validated, when it refused the first.

        A view that answers a refused form with the page again (200) looks like a success; the
        form it built at run time says which fields it wanted.
        """
        outcome = case.outcome
        assert outcome is not None
        if case.request.body_kind != "form" or not outcome.refused_forms:
            return case
        for form_class in dict.fromkeys(cls for cls, _ in outcome.refused_forms):
            spec = form_body(form_class)
            if spec is None:
                continue
            body = self.bodies.fit(spec.fields, self.lookup.collection_model(case.endpoint))
            refilled = with_request(case, replace(case.request, body=body))
            again = self._probe(refilled).outcome
            if again is not None and again.succeeded and not again.refused_forms:
                return refilled
        return case

    def _to_login(self, outcome: Outcome, endpoint: Endpoint) -> bool:
        location = outcome.location or ""
        if outcome.status not in (301, 302, 303, 307) or "login" not in location:
            return False
        # Signing up (or resetting a password) sends the user on to sign in: that is success.
        if any(word in endpoint.rule for word in _ACCOUNT_WORDS):
            return False
        # Flask-Login sends unauthenticated users to the login view with ?next=...
        return "next=" in location or self.auth is None or self.auth.kind != "session"

    def _probe(self, case: Case) -> Case:
        case.outcome = self.prober.run(case)
        return case

    def _variants(
        self, endpoint: Endpoint, arg_models: dict[str, ModelInfo | None] | None = None
    ) -> Any:
        for mechanism, sends in self._token_endpoints():
            if endpoint is mechanism.login and arg_models is None:
                # The token endpoint behind HTTP Basic: without credentials, then the user's.
                yield Case(endpoint, HAPPY, Request("POST", string(endpoint.rule)))
                yield Case(endpoint, HAPPY, Request("POST", string(endpoint.rule), auth=sends))
                return
        credentials = self._login_body(endpoint) if arg_models is None else None
        if credentials is not None and self.auth is not None:
            request = Request("POST", string(endpoint.rule), credentials.fields, credentials.kind)
            if self.auth.register is not None:
                # Only a user the register endpoint made has a password the login view accepts.
                request.auth = "registered"
                yield Case(endpoint, HAPPY, request)
            else:
                setup = Setup("user", self.auth.user_factory, self.auth.user_model.name)
                yield Case(endpoint, HAPPY, request, [setup])
        if arg_models is None:
            arg_models = self.lookup.argument_models(endpoint)
        collection = self.lookup.collection_model(endpoint)
        body, kind = None, "json"
        if endpoint.method in BODY_METHODS:
            fallback = collection or next((m for m in reversed(arg_models.values()) if m), None)
            spec = body_for(endpoint.view, fallback)
            body, kind = (spec.fields, spec.kind) if spec else (None, "json")
            body = self.bodies.fit(body, fallback)
        auths: list[str | None] = [None]
        if self.auth is not None:
            auths.append("user")
            if self.auth.admin_kwargs:
                auths.append("admin")
            if self.auth.alternate is not None:
                auths.append(API_USER)
        seen: set[str] = set()
        # A member acts on what they own; an administrator on what others own.
        owners = {None: [False], "user": [True, False], "admin": [False, True]}
        for auth in auths:
            owner = "user" if auth == API_USER else auth  # the same user, signed in to the API
            for owned, known in itertools.product(owners[owner], self._known_values(endpoint)):
                setups, paths = self.rows.setups(endpoint, arg_models, collection, owner, owned)
                setups = setups + referenced_rows(body, {s.var for s in setups})
                request = request_for(endpoint, {**known, **paths}, auth, body, kind)
                key = repr((request, setups))
                if key in seen:
                    continue
                seen.add(key)
                hint = next((snake(m.name) for m in reversed(arg_models.values()) if m), None)
                yield Case(endpoint, HAPPY, request, setups, model_hint=hint, paths=paths)

    def _token_endpoints(self) -> list[tuple[AuthSpec, str]]:
        """Each token endpoint behind HTTP Basic, with the auth value that sends credentials."""
        if self.auth is None:
            return []
        found = [(self.auth, "login"), (self.auth.alternate, API_LOGIN)]
        return [(spec, auth) for spec, auth in found if spec is not None and spec.login_identity]

    def _known_values(self, endpoint: Endpoint) -> list[dict[str, str]]:
        """Path values the view itself knows: keys of the dicts it reads, e.g. a lookup table."""
        text_arguments = [a.name for a in endpoint.arguments if a.converter == "UnicodeConverter"]
        if not text_arguments or endpoint.view is None:
            return [{}]
        objects, _, _ = referenced_objects(endpoint.view)
        keys = [
            key
            for obj in objects
            if isinstance(obj, dict)
            for key in list(obj)[:1]
            if isinstance(key, str) and key.isidentifier()
        ]
        return [{}] + [{name: key for name in text_arguments} for key in keys[:2]]

    def _login_body(self, endpoint: Endpoint) -> BodySpec | None:
        """The sign-in body with the fixture user's credentials, for a login endpoint."""
        if self.auth is None or endpoint not in login_candidates([endpoint]):
            return None
        if self.auth.login is endpoint and self.auth.login_identity:
            return None  # the credentials go in the Authorization header
        if self.auth.login is endpoint:
            return BodySpec(dict(self.auth.login_body), "json", "login")
        spec = body_for(endpoint.view, self.auth.user_model)
        fields = credentials(spec.fields, self.auth.user_model) if spec else None
        return BodySpec(fields, spec.kind, spec.source) if spec and fields else None
