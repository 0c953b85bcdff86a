"""The OpenAPI document: served to clients that accept JSON, valid, complete, true about auth."""

from __future__ import annotations

import pytest
import schemathesis

DOCUMENT = "/api/v1/openapi.json"
METHODS = {"get", "post", "patch", "delete", "put"}


@pytest.fixture
def document(client):
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    return response.get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_document_is_valid_openapi_3_1(document):
    assert (document["openapi"], document["info"]) == (
        "3.1.0",
        {"title": "User API", "version": "1.0.0"},
    )
    schemathesis.openapi.from_dict(document).validate()


def test_every_api_route_is_documented(app, document):
    routes = {
        (rule.rule.replace("<int:user_id>", "{user_id}"), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert {(path, method) for path, method, _ in operations(document)} == routes
    assert len(routes) == 8


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/*",
        "application/xml, application/json;q=0.5",
        "text/html, */*;q=0.1",
    ],
)
def test_document_is_served_to_clients_that_accept_json(client, accept):
    headers = {} if accept is None else {"Accept": accept}
    response = client.get(DOCUMENT, headers=headers)
    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert response.get_json()["openapi"] == "3.1.0"


@pytest.mark.parametrize(
    "accept",
    ["application/xml", "text/html", "application/json;q=0", "*/*, application/json;q=0"],
)
def test_document_refuses_clients_that_do_not_accept_json_with_406(client, accept):
    response = client.get(DOCUMENT, headers={"Accept": accept})
    assert (response.status_code, response.mimetype) == (406, "application/json")
    assert response.get_json() == {
        "error": {
            "code": "NOT_ACCEPTABLE",
            "message": "This API answers in JSON only: accept application/json, "
            "or send no Accept header.",
            "details": {},
        }
    }


def test_every_operation_documents_the_406(document):
    assert all("406" in operation["responses"] for _, _, operation in operations(document))


def test_every_error_response_uses_the_envelope(document):
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, (
                    path,
                    method,
                    status,
                )


def test_operations_that_need_a_token_refuse_anonymous_calls(client, document):
    protected = [
        (path, method)
        for path, method, operation in operations(document)
        if operation["security"] == [{"bearerAuth": []}]
    ]
    assert len(protected) == 3
    for path, method in protected:
        response = client.open(path.replace("{user_id}", "1"), method=method.upper(), json={})
        assert response.status_code == 401, (path, method)
        assert "401" in document["paths"][path][method]["responses"]


def test_documented_bodies_forbid_unknown_fields(document):
    schemas = document["components"]["schemas"]
    for name in ("UserCreate", "UserUpdate", "LoginRequest"):
        assert schemas[name]["additionalProperties"] is False


def test_the_user_schema_has_no_password_field(document):
    assert set(document["components"]["schemas"]["UserOut"]["properties"]) == {
        "id",
        "email",
        "name",
        "role",
        "created_at",
        "updated_at",
    }
