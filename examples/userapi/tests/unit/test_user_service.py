"""User business rules, called directly: no HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.exceptions import ConflictError, ForbiddenError, NotFoundError, ValidationError
from app.models.user import User
from app.passwords import verify_password
from app.services.user_service import (
    create_admin,
    create_user,
    delete_user,
    get_user,
    list_users,
    update_user,
)
from tests.factories import UserFactory

PUBLIC_FIELDS = {"id", "email", "name", "role", "created_at", "updated_at"}


def stored(db_session, user_id):
    db_session.expire_all()
    return db_session.get(User, user_id)


def test_create_user_returns_the_public_fields(db_session):
    user = create_user({"email": "valid@example.com", "name": "Valid", "password": "s3cret-pass"})
    assert set(user) == PUBLIC_FIELDS
    assert (user["email"], user["name"], user["role"]) == ("valid@example.com", "Valid", "member")


def test_create_user_stores_an_argon2_hash_not_the_password(db_session):
    user = create_user({"email": "valid@example.com", "name": "Valid", "password": "s3cret-pass"})
    password_hash = stored(db_session, user["id"]).password_hash
    assert password_hash.startswith("$argon2id$")
    assert verify_password(password_hash, "s3cret-pass")


def test_create_user_without_password_stores_no_hash(db_session):
    user = create_user({"email": "invited@example.com", "name": "Invited"})
    assert stored(db_session, user["id"]).password_hash is None


def test_create_user_duplicate_email_in_other_case_raises_conflict(db_session):
    create_user({"email": "first@example.com", "name": "First"})
    with pytest.raises(ConflictError) as caught:
        create_user({"email": "FIRST@example.com", "name": "Duplicate"})
    assert caught.value.details == {"email": ["An account with this email already exists."]}


def test_create_user_invalid_data_raises_validation_error(db_session):
    with pytest.raises(ValidationError) as caught:
        create_user({"name": "No Email"})
    assert list(caught.value.details) == ["email"]


@pytest.mark.parametrize("actor_role", [None, "member"])
def test_only_an_admin_creates_an_admin(db_session, actor_role):
    actor = UserFactory(role=actor_role) if actor_role else None
    with pytest.raises(ForbiddenError):
        create_user({"email": "boss@example.com", "name": "Boss", "role": "admin"}, actor)
    assert db_session.scalar(select(User).where(User.email == "boss@example.com")) is None


def test_admin_creates_an_admin(db_session):
    actor = UserFactory(role="admin")
    user = create_user({"email": "boss@example.com", "name": "Boss", "role": "admin"}, actor)
    assert user["role"] == "admin"


def test_create_admin_forces_the_admin_role(db_session):
    user = create_admin({"email": "root@example.com", "name": "Root", "role": "member"})
    assert user["role"] == "admin"


def test_list_users_pages_in_id_order(db_session):
    users = UserFactory.create_batch(5)
    items, meta = list_users({"page": "2", "per_page": "2"})
    assert [item["id"] for item in items] == [users[2].id, users[3].id]
    assert meta == {"page": 2, "per_page": 2, "total": 5, "pages": 3}


def test_list_users_filters_by_role(db_session):
    admin = UserFactory(role="admin")
    UserFactory.create_batch(2)
    items, meta = list_users({"role": "admin"})
    assert [item["id"] for item in items] == [admin.id]
    assert meta["total"] == 1


def test_list_users_of_an_empty_table(db_session):
    assert list_users({}) == ([], {"page": 1, "per_page": 20, "total": 0, "pages": 0})


def test_get_user_missing_raises_not_found(db_session):
    with pytest.raises(NotFoundError):
        get_user(999_999)


def test_user_updates_their_own_name(db_session):
    user = UserFactory()
    assert update_user(user.id, {"name": "Renamed"}, user)["name"] == "Renamed"


def test_update_password_rehashes(db_session):
    user = UserFactory()
    update_user(user.id, {"password": "brand-new-pass"}, user)
    assert verify_password(stored(db_session, user.id).password_hash, "brand-new-pass")


def test_admin_updates_anyone_including_role(db_session):
    admin, user = UserFactory(role="admin"), UserFactory()
    assert update_user(user.id, {"role": "admin"}, admin)["role"] == "admin"


def test_member_cannot_update_someone_else(db_session):
    actor, other = UserFactory(), UserFactory()
    with pytest.raises(ForbiddenError):
        update_user(other.id, {"name": "Hijacked"}, actor)
    assert stored(db_session, other.id).name != "Hijacked"


def test_member_cannot_promote_themself(db_session):
    user = UserFactory()
    with pytest.raises(ForbiddenError):
        update_user(user.id, {"role": "admin"}, user)
    assert stored(db_session, user.id).role == "member"


def test_member_may_resend_their_current_role(db_session):
    user = UserFactory()
    assert update_user(user.id, {"role": "member", "name": "Same"}, user)["name"] == "Same"


def test_update_to_a_taken_email_raises_conflict(db_session):
    user, other = UserFactory(), UserFactory()
    with pytest.raises(ConflictError):
        update_user(user.id, {"email": other.email.upper()}, user)


def test_update_missing_user_raises_not_found(db_session):
    with pytest.raises(NotFoundError):
        update_user(999_999, {"name": "Ghost"}, UserFactory(role="admin"))


def test_admin_deletes_a_user(db_session):
    admin, user = UserFactory(role="admin"), UserFactory()
    delete_user(user.id, admin)
    assert stored(db_session, user.id) is None


def test_member_cannot_delete(db_session):
    actor, other = UserFactory(), UserFactory()
    with pytest.raises(ForbiddenError):
        delete_user(other.id, actor)
    assert stored(db_session, other.id) is not None


def test_delete_missing_user_raises_not_found(db_session):
    with pytest.raises(NotFoundError):
        delete_user(999_999, UserFactory(role="admin"))
