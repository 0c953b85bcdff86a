"""Schema-based fuzzing: generated requests, valid and invalid, against the OpenAPI document."""

from __future__ import annotations

import string

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from app import create_app
from app.validators import normalize_email


def accepted_address(address: str) -> bool:
    try:
        normalize_email(address)
    except ValueError:
        return False
    return True


# The document promises addresses at public domains; the generic `email` generator also draws
# reserved ones such as `.test`, which the API refuses on purpose (the field's description says so).
ADDRESSES = st.builds(
    "{}@{}.{}".format,
    st.text(alphabet=string.ascii_letters + string.digits + "!#$%&'*+-/=?^_`{|}~.", min_size=1),
    st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True),
    st.sampled_from(["com", "org", "io", "dev", "example", "xn--p1ai"]),
).filter(accepted_address)
schemathesis.openapi.format("email", ADDRESSES)

# The document does not depend on the database, so it is read from an app of its own at import
# time, and the requests go to the test app (the `app` fixture). Loading it from the fixture with
# schemathesis.pytest.from_fixture would be neater, but that loader fails on pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app("testing"))
# Schemathesis leaves out the operation that served the document unless a filter names it.
schema = schema.include(path_regex="^/api/v1/")
schema.config.generation.update(modes=["positive", "negative"], max_examples=30)


@schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case, app, db_session, admin_headers):
    case.call_and_validate(app=app, headers=admin_headers)
