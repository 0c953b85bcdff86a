"""The create-admin command."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models.user import User
from tests.factories import UserFactory


@pytest.fixture
def runner(app, db_session):
    return app.test_cli_runner()


def admin_named(db_session, email):
    return db_session.scalar(select(User).where(User.email == email))


def test_create_admin_prompts_and_creates_an_admin(runner, db_session):
    result = runner.invoke(
        args=["create-admin"], input="Root@Example.com\nRoot\nlong-password\nlong-password\n"
    )
    assert result.exit_code == 0, result.output
    user = admin_named(db_session, "root@example.com")
    assert result.output.endswith(f"Created admin root@example.com with id {user.id}.\n")
    assert user.role == "admin"


def test_create_admin_explains_invalid_input(runner, db_session):
    result = runner.invoke(
        args=["create-admin", "--email", "nope", "--name", "Root", "--password", "short"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: email: Value error, not a valid email address")
    assert result.output.endswith("; password: String should have at least 8 characters\n")
    assert admin_named(db_session, "nope") is None


def test_create_admin_refuses_a_taken_email(runner, db_session):
    UserFactory(email="root@example.com")
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "root@example.com",
            "--name",
            "Root",
            "--password",
            "x" * 8,
        ]
    )
    assert (result.exit_code, result.output) == (
        1,
        "Error: email: An account with this email already exists.\n",
    )
