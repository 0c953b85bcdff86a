"""Input rules, checked without a database or HTTP."""

from __future__ import annotations

import pytest

from app.exceptions import ValidationError
from app.validators import (
    LoginRequest,
    UserCreate,
    UserListQuery,
    UserUpdate,
    field_errors,
    provided_fields,
    validate,
)

VALID = {"email": "ada@example.com", "name": "Ada Lovelace"}


def details_of(model, data):
    with pytest.raises(ValidationError) as caught:
        validate(model, data)
    return caught.value.details


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": None}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@" + "b" * 250 + ".com"}, "email"),
        ({"email": "someone@localhost"}, "email"),
        ({"email": "someone@mail.test"}, "email"),
        ({"email": "jöhn@example.com"}, "email"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "tab\there"}, "name"),
        ({"name": "nul\x00byte"}, "name"),
        ({"name": 42}, "name"),
        ({"password": "short"}, "password"),
        ({"password": "p" * 257}, "password"),
        ({"password": None}, "password"),
        ({"role": "owner"}, "role"),
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_user_create_rejects(changes, field):
    assert field in details_of(UserCreate, {**VALID, **changes})


def test_user_create_lists_every_missing_field():
    assert details_of(UserCreate, {}) == {"email": ["Field required"], "name": ["Field required"]}


@pytest.mark.parametrize("body", [None, [], "text", 7])
def test_body_that_is_not_an_object_is_reported_under_body(body):
    assert list(details_of(UserCreate, body)) == ["body"]


def test_user_create_defaults_to_member_without_password():
    fields = validate(UserCreate, VALID)
    assert (fields.role, fields.password) == ("member", None)


def test_email_keeps_international_domains_in_ascii_form():
    fields = validate(UserCreate, {**VALID, "email": "Ann@XN--BCHER-KVA.example"})
    assert fields.email == "ann@xn--bcher-kva.example"


def test_email_is_lower_cased_and_name_trimmed():
    fields = validate(UserCreate, {"email": "Ada@Example.COM", "name": "  Ada  "})
    assert (fields.email, fields.name) == ("ada@example.com", "Ada")


def test_user_update_keeps_only_the_fields_sent():
    assert provided_fields(validate(UserUpdate, {"name": "New"})) == {"name": "New"}


@pytest.mark.parametrize("field", ["email", "name", "password", "role"])
def test_user_update_refuses_null(field):
    assert field in details_of(UserUpdate, {field: None})


def test_login_requires_both_fields():
    assert set(details_of(LoginRequest, {})) == {"email", "password"}


def test_list_query_coerces_text_and_applies_defaults():
    query = validate(UserListQuery, {"page": "3", "role": "admin"})
    assert (query.page, query.per_page, query.role) == (3, 20, "admin")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"role": "owner"}, "role"),
    ],
)
def test_list_query_rejects(args, field):
    assert field in details_of(UserListQuery, args)


def test_field_errors_join_nested_locations():
    errors = [{"loc": ("items", 0, "email"), "msg": "bad"}, {"loc": (), "msg": "worse"}]
    assert field_errors(errors) == {"items.0.email": ["bad"], "body": ["worse"]}
