"""Password hashing."""

from __future__ import annotations

import pytest

from app.passwords import hash_password, needs_rehash, verify_password


@pytest.fixture
def context(app):
    with app.app_context():
        yield app


def test_hash_is_salted_argon2id(context):
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("$argon2id$") and first != second


def test_verify_accepts_the_right_password_only(context):
    password_hash = hash_password("correct horse")
    assert (
        verify_password(password_hash, "correct horse"),
        verify_password(password_hash, "x"),
    ) == (
        True,
        False,
    )


@pytest.mark.parametrize("stored", [None, "", "not-a-hash"])
def test_verify_without_a_usable_hash_is_false(context, stored):
    assert verify_password(stored, "anything") is False


def test_the_decoy_password_opens_nothing(context):
    from app.passwords import DECOY_PASSWORD

    assert verify_password(None, DECOY_PASSWORD) is False


def test_needs_rehash_only_when_cost_changes(context, monkeypatch):
    password_hash = hash_password("correct horse")
    assert needs_rehash(password_hash) is False
    monkeypatch.setitem(context.config, "ARGON2_TIME_COST", 2)
    assert needs_rehash(password_hash) is True
