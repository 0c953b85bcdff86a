"""Every failure answers in the one JSON envelope, and no response leaks a password hash."""

from __future__ import annotations

import logging

import pytest

from app.services import user_service
from tests.conftest import PASSWORD
from tests.factories import UserFactory

USERS = "/api/v1/users/"


def envelope(code, message, details=None):
    return {"error": {"code": code, "message": message, "details": details or {}}}


@pytest.mark.parametrize("path", ["/", "/api/v1/nothing", "/static/app.css", "//api/v1/users/"])
def test_unknown_url_returns_404_json(client, path):
    response = client.get(path)
    assert (response.status_code, response.mimetype) == (404, "application/json")
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_wrong_method_returns_405_with_allow_header(client):
    response = client.put(USERS)
    assert response.status_code == 405
    assert response.get_json() == envelope(
        "METHOD_NOT_ALLOWED", "The method is not allowed for the requested URL."
    )
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


@pytest.fixture(
    params=["POST /api/v1/users/", "PATCH /api/v1/users/{id}", "POST /api/v1/auth/login"]
)
def body_endpoint(request, client, admin, admin_headers):
    """Send a raw body to one of the endpoints that read JSON, as an admin."""
    method, path = request.param.split()

    def send(data, content_type):
        url = path.format(id=admin.id)
        return client.open(
            url, method=method, data=data, content_type=content_type, headers=admin_headers
        )

    return send


def test_malformed_json_returns_400(body_endpoint):
    response = body_endpoint('{"email": ', "application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "BAD_REQUEST"


def test_non_json_body_returns_415(body_endpoint):
    response = body_endpoint("email=a@example.com", "text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_oversized_body_returns_413(app, body_endpoint):
    padding = "x" * app.config["MAX_CONTENT_LENGTH"]
    response = body_endpoint(f'{{"name": "{padding}"}}', "application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "REQUEST_ENTITY_TOO_LARGE"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/openapi.json"),
        ("GET", USERS),
        ("POST", USERS),
        ("GET", USERS + "{id}"),
        ("PATCH", USERS + "{id}"),
        ("DELETE", USERS + "{id}"),
        ("POST", "/api/v1/auth/login"),
        ("GET", "/api/v1/auth/me"),
    ],
)
def test_every_operation_refuses_a_client_that_does_not_accept_json(
    client, admin, admin_headers, method, path
):
    headers = {**admin_headers, "Accept": "text/html"}
    response = client.open(path.format(id=admin.id), method=method, headers=headers)
    assert (response.status_code, response.mimetype) == (406, "application/json")
    assert response.get_json()["error"]["code"] == "NOT_ACCEPTABLE"


def test_a_refused_request_changes_nothing(client, admin, admin_headers):
    headers = {**admin_headers, "Accept": "application/xml"}
    assert client.delete(f"{USERS}{admin.id}", headers=headers).status_code == 406
    assert client.get(f"{USERS}{admin.id}").status_code == 200


def test_missing_trailing_slash_is_served_without_a_redirect(client):
    response = client.get(USERS.rstrip("/"))
    assert (response.status_code, response.mimetype) == (200, "application/json")


def test_unexpected_error_returns_500_and_hides_its_details(app, client, monkeypatch, caplog):
    def broken_list_users(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(user_service, "list_users", broken_list_users)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.get(USERS)
    assert response.status_code == 500
    assert response.get_json() == envelope(
        "INTERNAL_ERROR", "Something went wrong on our side; the error has been logged."
    )
    assert b"secret internals" not in response.data
    assert "secret internals" in caplog.text


def test_no_response_ever_contains_a_password_hash(client, db_session, admin, admin_headers):
    user = UserFactory(email="victim@example.com", password=PASSWORD)
    hashes = [user.password_hash, admin.password_hash]
    responses = [
        client.post(USERS, json={"email": "n@example.com", "name": "N", "password": PASSWORD}),
        client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}),
        client.get(USERS),
        client.get(f"{USERS}{user.id}"),
        client.patch(f"{USERS}{user.id}", json={"password": "another-pass"}, headers=admin_headers),
        client.get("/api/v1/auth/me", headers=admin_headers),
    ]
    for response in responses:
        assert response.status_code < 300
        assert b"$argon2" not in response.data
        assert not any(password_hash.encode() in response.data for password_hash in hashes)
        assert b"password" not in response.data
