"""Fixtures in the guide's shape; flask-testkit provides the test database and the rollback."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_testkit import isolated_database, testing_database

from app import create_app
from app.extensions import db as _db
from app.models.user import User
from tests.factories import UserFactory

PASSWORD = "testpassword123"


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    """Create the Flask application with test config, on a fresh test database."""
    app = create_app("testing")
    with testing_database(app):
        yield app


@pytest.fixture
def db_session(app: Flask) -> Iterator[object]:
    """Provide the app's database session; everything written in the test is rolled back."""
    with app.app_context(), isolated_database(_db) as session:
        yield session


@pytest.fixture
def client(app: Flask, db_session: object) -> FlaskClient:
    """Flask test client with a clean database session."""
    return app.test_client()


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], dict[str, str]]:
    """Return a function that logs a user in and gives back their Authorization header."""

    def log_in(user: User) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['data']['access_token']}"}

    return log_in


@pytest.fixture
def member(db_session: object) -> User:
    """A member who can log in with PASSWORD."""
    return UserFactory(email="test@example.com", password=PASSWORD)


@pytest.fixture
def admin(db_session: object) -> User:
    """An admin who can log in with PASSWORD."""
    return UserFactory(email="admin@example.com", role="admin", password=PASSWORD)


@pytest.fixture
def auth_headers(login: Callable[[User], dict[str, str]], member: User) -> dict[str, str]:
    """Authenticate the test member and return headers with a valid token."""
    return login(member)


@pytest.fixture
def admin_headers(login: Callable[[User], dict[str, str]], admin: User) -> dict[str, str]:
    """Authenticate the test admin and return headers with a valid token."""
    return login(admin)
