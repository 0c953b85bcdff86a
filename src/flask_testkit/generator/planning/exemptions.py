"""The endpoints a generated suite exempts from the error-case rule, and why.

Two kinds have no request that could be refused. One reads nothing of the request at all. The
other reads only who is signed in (a sign-in page, a logout), and answered both a visitor and the
signed-in user with success: there is no one left to turn away.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..cases import NOT_ALLOWED, Case, Outcome
from ..probing.key_reads import HEADERS, SESSION
from .plans import deciding_reads

if TYPE_CHECKING:
    from ..reading.routes import Endpoint
    from .auth import AuthSpec
    from .endpoint_plans import EndpointPlan

READS_NOTHING = "reads no query, body, header or session: no request can be refused"
READS_ONLY_IDENTITY = "reads only who is signed in; a visitor and a user both succeed"
READS_ONLY_LANGUAGE = "reads only the language to answer in: no request can be refused"
# What finding out who is signed in reads: the session and its cookie, the Authorization header,
# and what Flask-Login's session protection compares (the client's address and user agent).
_IDENTITY_READS = frozenset(
    {"session", "cookies", "headers", "authorization", "remote_addr", "access_route"}
)
_IDENTITY_HEADERS = frozenset({"authorization", "cookie", "user-agent", "x-forwarded-for"})


class IdentityChecks:
    """Probes an endpoint that reads only who is signed in, as the signed-in user."""

    auth: AuthSpec | None

    def _probe(self, case: Case) -> Case:
        raise NotImplementedError

    def _to_login(self, outcome: Outcome, endpoint: Endpoint) -> bool:
        raise NotImplementedError

    def _everyone_accepted(self, plan: EndpointPlan) -> bool:
        """Whether a visitor and the signed-in user both got a success, reading only identity."""
        happy = next((c for c in plan.cases if c.kind != NOT_ALLOWED and c.outcome), None)
        if (
            self.auth is None
            or happy is None
            or happy.request.auth is not None
            or not plan.has_happy
            or plan.has_error
            or plan.reasons
            or plan.endpoint.arguments
            or plan.endpoint.redirect_to is not None
        ):
            return False
        outcomes = [c.outcome for c in plan.cases if c.kind != NOT_ALLOWED and c.outcome]
        if not all(o.view_ran and _reads_only_identity(o) for o in outcomes):
            return False
        request = replace(happy.request, auth="user", headers=dict(happy.request.headers))
        signed_in = Case(happy.endpoint, happy.kind, request, list(happy.setups))
        outcome = self._probe(signed_in).outcome
        return (
            outcome is not None
            and outcome.succeeded
            and not self._to_login(outcome, plan.endpoint)
            and _reads_only_identity(outcome)
        )


def _reads_only_identity(outcome: Outcome) -> bool:
    names, keys = deciding_reads(outcome)
    return (
        names <= _IDENTITY_READS
        and set(keys) <= {SESSION, HEADERS}
        and all(header.lower() in _IDENTITY_HEADERS for header in keys.get(HEADERS, []))
    )


def exemption_reason(plan: EndpointPlan) -> str | None:
    """Why the endpoint needs no error case, or None when it does."""
    if plan.reads_no_input:
        return READS_ONLY_LANGUAGE if plan.reads_language else READS_NOTHING
    if plan.everyone_accepted:
        return READS_ONLY_IDENTITY
    return None


def exemption_lines(plans: list[EndpointPlan]) -> list[str]:
    """endpoint_coverage_exempt lines for the endpoints no request to which can be refused."""
    return [
        f"{plan.endpoint.method} {plan.endpoint.rule}  {reason}"
        for plan in plans
        for reason in [exemption_reason(plan)]
        if reason is not None
    ]
