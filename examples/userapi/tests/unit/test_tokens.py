"""Access tokens: what is accepted and everything that must be refused."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from app.exceptions import InvalidToken
from app.tokens import issue_access_token, read_access_token


@pytest.fixture
def context(app):
    with app.app_context():
        yield app


def encode(app, claims, key=None, algorithm="HS256"):
    return jwt.encode(claims, key or app.config["SECRET_KEY"], algorithm=algorithm)


def claims_for(sub="7", lifetime=60):
    now = datetime.now(timezone.utc)
    return {"sub": sub, "iat": now, "exp": now + timedelta(seconds=lifetime)}


def unsigned(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    body = {**claims, "iat": int(claims["iat"].timestamp()), "exp": int(claims["exp"].timestamp())}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(body)}."


def test_issued_token_names_the_user_and_lifetime(context):
    token = issue_access_token(7)
    assert (token["token_type"], token["expires_in"]) == ("Bearer", 900)
    assert read_access_token(token["access_token"]) == 7


def test_token_carries_expiry_and_issue_time(context):
    token = issue_access_token(7)["access_token"]
    claims = jwt.decode(token, context.config["SECRET_KEY"], algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 900


def tampered(app):
    header, _, signature = issue_access_token(7)["access_token"].split(".")
    forged = base64.urlsafe_b64encode(b'{"sub":"1","iat":1,"exp":9999999999}').rstrip(b"=")
    return f"{header}.{forged.decode()}.{signature}"


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda app: "not-a-token", id="malformed"),
        pytest.param(lambda app: "a.b.c", id="garbage segments"),
        pytest.param(tampered, id="tampered payload"),
        pytest.param(lambda app: encode(app, claims_for(lifetime=-10)), id="expired"),
        pytest.param(lambda app: encode(app, claims_for(), key="k" * 64), id="other key"),
        pytest.param(lambda app: unsigned(claims_for()), id="alg none"),
        pytest.param(lambda app: encode(app, claims_for(), algorithm="HS512"), id="other alg"),
        pytest.param(lambda app: encode(app, {"sub": "7"}), id="no expiry"),
        pytest.param(lambda app: encode(app, claims_for(sub="seven")), id="non-numeric subject"),
        pytest.param(lambda app: encode(app, claims_for(sub="0")), id="subject zero"),
        pytest.param(lambda app: encode(app, claims_for(sub=str(2**40))), id="subject too big"),
    ],
)
def test_refused_tokens(context, make_token):
    with pytest.raises(InvalidToken):
        read_access_token(make_token(context))
