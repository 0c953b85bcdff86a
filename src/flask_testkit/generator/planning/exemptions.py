"""The endpoints a generated suite exempts from the error-case rule, and why."""

from __future__ import annotations

from .endpoint_plans import EndpointPlan

EXEMPT_REASON = "reads no query, body, header or session: no request can be refused"


def exemption_lines(plans: list[EndpointPlan]) -> list[str]:
    """endpoint_coverage_exempt lines for the endpoints that read nothing from the request."""
    return [
        f"{plan.endpoint.method} {plan.endpoint.rule}  {EXEMPT_REASON}"
        for plan in plans
        if plan.reads_no_input
    ]
