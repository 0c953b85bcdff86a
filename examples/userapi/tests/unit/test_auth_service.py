"""Login and token resolution, called directly: no HTTP."""

from __future__ import annotations

import pytest

from app.exceptions import InvalidCredentials, InvalidToken, ValidationError
from app.models.user import User
from app.services.auth_service import login, user_for_token
from app.tokens import issue_access_token
from tests.conftest import PASSWORD
from tests.factories import UserFactory


def test_login_returns_a_token_for_the_user(app, db_session):
    user = UserFactory(password=PASSWORD)
    token = login({"email": user.email, "password": PASSWORD})
    assert user_for_token(token["access_token"]) == user


def test_login_matches_email_in_any_case(db_session):
    user = UserFactory(email="mixed@example.com", password=PASSWORD)
    token = login({"email": "MIXED@Example.com", "password": PASSWORD})
    assert user_for_token(token["access_token"]) == user


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("known@example.com", "wrong-password"),
        ("unknown@example.com", PASSWORD),
        ("nopassword@example.com", PASSWORD),
    ],
)
def test_login_failures_are_indistinguishable(db_session, email, password):
    UserFactory(email="known@example.com", password=PASSWORD)
    UserFactory(email="nopassword@example.com")
    with pytest.raises(InvalidCredentials) as caught:
        login({"email": email, "password": password})
    assert (caught.value.message, caught.value.details) == (InvalidCredentials.message, {})


def test_login_validates_its_input(db_session):
    with pytest.raises(ValidationError):
        login({"email": "not-an-email", "password": PASSWORD})


def test_login_upgrades_a_hash_made_with_older_settings(app, db_session, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setitem(app.config, "ARGON2_TIME_COST", 2)
        user = UserFactory(password=PASSWORD)
    login({"email": user.email, "password": PASSWORD})
    db_session.expire_all()
    assert "t=1," in db_session.get(User, user.id).password_hash


def test_login_keeps_a_current_hash(db_session):
    user = UserFactory(password=PASSWORD)
    before = user.password_hash
    login({"email": user.email, "password": PASSWORD})
    db_session.expire_all()
    assert db_session.get(User, user.id).password_hash == before


def test_token_of_a_deleted_user_is_refused(db_session):
    user = UserFactory()
    token = issue_access_token(user.id)["access_token"]
    db_session.delete(user)
    db_session.flush()
    with pytest.raises(InvalidToken):
        user_for_token(token)
