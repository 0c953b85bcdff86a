"""The /api/v1/users/ endpoints over HTTP: every happy path and every error case."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory

USERS = "/api/v1/users/"


def user_url(user_id):
    return f"{USERS}{user_id}"


def public(user):
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "created_at": user.created_at.isoformat() + "Z",
        "updated_at": user.updated_at.isoformat() + "Z",
    }


def error(code, message, details=None):
    return {"error": {"code": code, "message": message, "details": details or {}}}


# POST /api/v1/users/


def test_sign_up_returns_201_and_the_user(client):
    response = client.post(
        USERS, json={"email": "New@Example.com", "name": "New", "password": "p" * 8}
    )
    assert response.status_code == 201
    body = response.get_json()["data"]
    assert {key: body[key] for key in ("email", "name", "role")} == {
        "email": "new@example.com",
        "name": "New",
        "role": "member",
    }
    assert client.get(user_url(body["id"])).get_json()["data"] == body


def test_sign_up_with_invalid_fields_returns_422_per_field(client):
    response = client.post(USERS, json={"email": "nope", "name": "", "password": "short"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VALIDATION_ERROR"
    assert set(response.get_json()["error"]["details"]) == {"email", "name", "password"}


def test_sign_up_with_a_taken_email_in_other_case_returns_409(client, db_session):
    UserFactory(email="dupe@example.com")
    response = client.post(USERS, json={"email": "DUPE@example.com", "name": "Again"})
    assert response.status_code == 409
    assert response.get_json() == error(
        "CONFLICT",
        "An account with this email already exists.",
        {"email": ["An account with this email already exists."]},
    )


@pytest.mark.parametrize("headers", ["none", "member"])
def test_only_an_admin_may_create_an_admin(client, auth_headers, headers):
    sent = auth_headers if headers == "member" else {}
    response = client.post(
        USERS, json={"email": "b@example.com", "name": "B", "role": "admin"}, headers=sent
    )
    assert response.status_code == 403
    assert response.get_json() == error("FORBIDDEN", "Only an admin can create an admin account.")


def test_admin_creates_an_admin(client, admin_headers):
    response = client.post(
        USERS, json={"email": "b@example.com", "name": "B", "role": "admin"}, headers=admin_headers
    )
    assert (response.status_code, response.get_json()["data"]["role"]) == (201, "admin")


def test_sign_up_with_a_bad_token_returns_401(client):
    response = client.post(
        USERS, json={"email": "b@example.com", "name": "B"}, headers={"Authorization": "Bearer x"}
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "INVALID_TOKEN"


# GET /api/v1/users/


def test_list_returns_users_and_meta(client, db_session):
    users = UserFactory.create_batch(3)
    response = client.get(USERS)
    assert response.status_code == 200
    assert response.get_json() == {
        "data": [public(user) for user in users],
        "meta": {"page": 1, "per_page": 20, "total": 3, "pages": 1},
    }


def test_list_paginates_and_filters_by_role(client, db_session):
    admins = UserFactory.create_batch(3, role="admin")
    UserFactory.create_batch(2)
    response = client.get(USERS, query_string={"role": "admin", "page": 2, "per_page": 2})
    assert response.get_json() == {
        "data": [public(admins[2])],
        "meta": {"page": 2, "per_page": 2, "total": 3, "pages": 2},
    }


@pytest.mark.parametrize(
    "query", [{"page": 0}, {"per_page": 500}, {"role": "owner"}, {"page": "x"}]
)
def test_list_with_a_bad_query_returns_422(client, query):
    response = client.get(USERS, query_string=query)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]) == list(query)


# GET /api/v1/users/<id>


def test_get_returns_one_user(client, db_session):
    user = UserFactory()
    response = client.get(user_url(user.id))
    assert (response.status_code, response.get_json()) == (200, {"data": public(user)})


@pytest.mark.parametrize("user_id", ["999999", "0", "-1", "abc", str(2**31)])
def test_get_unknown_user_returns_404(client, user_id):
    response = client.get(user_url(user_id))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


# PATCH /api/v1/users/<id>


def test_user_updates_themself(client, member, auth_headers):
    response = client.patch(user_url(member.id), json={"name": "Renamed"}, headers=auth_headers)
    assert (response.status_code, response.get_json()["data"]["name"]) == (200, "Renamed")


def test_admin_updates_someone_else(client, admin_headers, db_session):
    user = UserFactory()
    response = client.patch(user_url(user.id), json={"role": "admin"}, headers=admin_headers)
    assert (response.status_code, response.get_json()["data"]["role"]) == (200, "admin")


def test_update_without_a_token_returns_401(client, db_session):
    user = UserFactory()
    response = client.patch(user_url(user.id), json={"name": "X"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="userapi"'
    assert response.get_json()["error"]["code"] == "AUTHENTICATION_REQUIRED"


def test_member_cannot_update_someone_else(client, auth_headers, db_session):
    other = UserFactory(name="Other")
    response = client.patch(user_url(other.id), json={"name": "Hijacked"}, headers=auth_headers)
    assert response.status_code == 403
    assert client.get(user_url(other.id)).get_json()["data"]["name"] == "Other"


def test_member_cannot_make_themself_admin(client, member, auth_headers):
    response = client.patch(user_url(member.id), json={"role": "admin"}, headers=auth_headers)
    assert response.get_json() == error("FORBIDDEN", "Only an admin can change roles.")
    assert client.get(user_url(member.id)).get_json()["data"]["role"] == "member"


def test_update_with_invalid_fields_returns_422(client, member, auth_headers):
    response = client.patch(
        user_url(member.id), json={"name": None, "admin": True}, headers=auth_headers
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]) == {"name", "admin"}


def test_update_to_a_taken_email_returns_409(client, member, auth_headers, db_session):
    UserFactory(email="taken@example.com")
    response = client.patch(
        user_url(member.id), json={"email": "taken@example.com"}, headers=auth_headers
    )
    assert response.status_code == 409


def test_update_unknown_user_returns_404(client, admin_headers):
    response = client.patch(user_url(999_999), json={"name": "Ghost"}, headers=admin_headers)
    assert response.status_code == 404


# DELETE /api/v1/users/<id>


def test_admin_deletes_a_user(client, admin_headers, db_session):
    user = UserFactory()
    response = client.delete(user_url(user.id), headers=admin_headers)
    assert (response.status_code, response.data) == (204, b"")
    assert client.get(user_url(user.id)).status_code == 404


def test_member_cannot_delete(client, auth_headers, db_session):
    user = UserFactory()
    response = client.delete(user_url(user.id), headers=auth_headers)
    assert response.status_code == 403
    assert client.get(user_url(user.id)).status_code == 200


def test_delete_without_a_token_returns_401(client, db_session):
    user = UserFactory()
    assert client.delete(user_url(user.id)).status_code == 401


def test_delete_unknown_user_returns_404(client, admin_headers):
    assert client.delete(user_url(999_999), headers=admin_headers).status_code == 404
