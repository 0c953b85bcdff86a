"""The /api/v1/auth/ endpoints over HTTP, including the token attacks they must refuse."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from tests.conftest import PASSWORD
from tests.factories import UserFactory

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
BAD_CREDENTIALS = {
    "error": {
        "code": "INVALID_CREDENTIALS",
        "message": "The email or password is incorrect.",
        "details": {},
    }
}
BAD_TOKEN = {
    "error": {
        "code": "INVALID_TOKEN",
        "message": "The access token is invalid or has expired; log in again.",
        "details": {},
    }
}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def claims(user_id, lifetime=60):
    now = datetime.now(timezone.utc)
    return {"sub": str(user_id), "iat": now, "exp": now + timedelta(seconds=lifetime)}


def segment(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# POST /api/v1/auth/login


def test_login_returns_a_bearer_token(client, member):
    response = client.post(LOGIN, json={"email": "TEST@example.com", "password": PASSWORD})
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert (set(data), data["token_type"], data["expires_in"]) == (
        {"access_token", "token_type", "expires_in"},
        "Bearer",
        900,
    )
    assert (
        client.get(ME, headers=bearer(data["access_token"])).get_json()["data"]["id"] == member.id
    )


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "test@example.com", "password": "wrong-password"},
        {"email": "nobody@example.com", "password": PASSWORD},
        {"email": "invited@example.com", "password": PASSWORD},
    ],
    ids=["wrong password", "unknown email", "account without password"],
)
def test_login_failures_share_one_answer(client, member, credentials):
    UserFactory(email="invited@example.com")
    response = client.post(LOGIN, json=credentials)
    assert (response.status_code, response.get_json()) == (401, BAD_CREDENTIALS)


def test_login_with_invalid_fields_returns_422(client):
    response = client.post(LOGIN, json={"email": "nope"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]) == {"email", "password"}


# GET /api/v1/auth/me


def test_me_returns_the_token_owner(client, member, auth_headers):
    response = client.get(ME, headers=auth_headers)
    assert response.status_code == 200
    assert response.get_json()["data"]["email"] == member.email


def test_me_without_a_token_returns_401(client):
    response = client.get(ME)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTHENTICATION_REQUIRED"


def tampered(app, user):
    header, _, signature = jwt.encode(claims(user.id), app.config["SECRET_KEY"]).split(".")
    payload = segment({"sub": str(user.id), "role": "admin", "iat": 1, "exp": 2**40})
    return f"{header}.{payload}.{signature}"


def unsigned(app, user):
    body = {"sub": str(user.id), "iat": 1, "exp": 2**40}
    return f"{segment({'alg': 'none', 'typ': 'JWT'})}.{segment(body)}."


ATTACKS = {
    "malformed": lambda app, user: "not.a.jwt",
    "tampered": tampered,
    "alg none": unsigned,
    "expired": lambda app, user: jwt.encode(claims(user.id, -1), app.config["SECRET_KEY"]),
    "other key": lambda app, user: jwt.encode(claims(user.id), "another-key-" + "x" * 32),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_me_refuses_forged_and_stale_tokens(app, client, member, attack):
    response = client.get(ME, headers=bearer(ATTACKS[attack](app, member)))
    assert (response.status_code, response.get_json()) == (401, BAD_TOKEN)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="userapi", error="invalid_token"'


@pytest.mark.parametrize("header", ["Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_me_refuses_other_authorization_schemes(client, header):
    response = client.get(ME, headers={"Authorization": header})
    assert (response.status_code, response.get_json()) == (401, BAD_TOKEN)


def test_me_accepts_the_scheme_in_any_case(client, member, auth_headers):
    token = auth_headers["Authorization"].split()[1]
    assert client.get(ME, headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_token_of_a_deleted_user_stops_working(client, admin_headers, member, auth_headers):
    client.delete(f"/api/v1/users/{member.id}", headers=admin_headers)
    assert client.get(ME, headers=auth_headers).get_json() == BAD_TOKEN
