"""User models that keep a password in other ways than `set_password()`: each signs in.

Also an app that hashes in its register view: its users are registered through that endpoint.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from generator_runs import GeneratedSuite, imported_factories, sample_suite
from sqlalchemy.ext.hybrid import hybrid_property
from werkzeug.security import check_password_hash, generate_password_hash

from flask_testkit import isolated_database, testing_database
from flask_testkit.generator.planning.auth import user_model_of
from flask_testkit.generator.planning.values import TEST_PASSWORD
from flask_testkit.generator.reading.models import scan_models

db = SQLAlchemy()


class HybridUser(db.Model):
    """Hashes through a hybrid_property setter."""

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), unique=True, nullable=False)
    _password = db.Column("password_hash", db.String(256), nullable=False)

    @hybrid_property
    def password(self) -> str:
        return self._password

    @password.setter  # type: ignore[no-redef]
    def password(self, plain: str) -> None:
        self._password = generate_password_hash(plain)

    def check(self, plain: str) -> bool:
        return check_password_hash(self._password, plain)


class ConstructedUser(db.Model):
    """Hashes in its constructor, which takes the password as an argument."""

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)

    def __init__(self, username: str, password: str) -> None:
        self.username = username
        self.password_hash = generate_password_hash(password)

    def check(self, plain: str) -> bool:
        return check_password_hash(self.password_hash, plain)


class PlainUser(db.Model):
    """Keeps the password as given, and the app compares it itself."""

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    password = db.Column(db.String(80), nullable=False)

    def check(self, plain: str) -> bool:
        return self.password == plain


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    return app


@pytest.fixture(scope="module")
def app() -> Flask:
    flask_app = create_app()
    with testing_database(flask_app):
        yield flask_app


@pytest.fixture(scope="module")
def factories(app: Flask) -> ModuleType:
    """The factories init writes for the three models, imported."""
    return imported_factories(app, __name__, Path(__file__).parent)


@pytest.mark.parametrize("model", ["HybridUser", "ConstructedUser", "PlainUser"])
def test_the_factory_user_has_the_test_password(app: Flask, factories: ModuleType, model: str):
    with app.app_context(), isolated_database(db):
        user = getattr(factories, f"{model}Factory")()
        db.session.flush()
        assert user.check(TEST_PASSWORD)
        assert not user.check(TEST_PASSWORD + "x")


def test_each_is_recognised_as_a_user_model(app: Flask) -> None:
    scan = scan_models(app, Path(__file__).parent)
    assert scan is not None
    by_name = {m.name: m for m in scan.models}
    assert by_name["HybridUser"].password_setter == "property"
    assert by_name["ConstructedUser"].constructor_password == "password"
    only_plain = dataclasses.replace(scan, models=[by_name["PlainUser"]])
    found = user_model_of(app, only_plain)
    assert found is not None and found.name == "PlainUser"


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """A JWT API whose `UserModel` keeps a plain password, read through a marshmallow schema."""
    return sample_suite("stored_password_app", tmp_path_factory)


def test_a_plain_password_column_signs_in_for_a_token(suite: GeneratedSuite) -> None:
    factories = suite.read("tests/factories.py")
    assert "    password = TEST_PASSWORD\n" in factories
    conftest = suite.read("tests/conftest.py")
    assert '"/login",\n' in conftest and '"password": TEST_PASSWORD' in conftest
    assert "Endpoints: 5/5 with a happy path and an error case" in suite.init.stdout
    tests = suite.read("tests/integration/test_testdesk_api.py")
    assert 'client.get("/tickets", headers=auth_headers)' in tests
    assert suite.tests.returncode == 0, suite.tests.stdout[-2000:]


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """A JWT API whose register view hashes the password, which the model stores as given."""
    return sample_suite("register_hash_app", tmp_path_factory)


def test_users_are_registered_through_the_apps_own_endpoint(registered: GeneratedSuite) -> None:
    conftest = registered.read("tests/conftest.py")
    assert "def user(client, db_session):" in conftest
    assert '"/auth/register", json={"email": values.email, "password": TEST_PASSWORD}' in conftest
    assert "select(User).filter_by(email=values.email)" in conftest
    tests = registered.read("tests/integration/test_bookmarks_api.py")
    assert "def test_login_returns_ok(client, user):" in tests
    assert 'client.get("/bookmarks", headers=auth_headers)' in tests
    assert "Endpoints: 4/4 with a happy path and an error case" in registered.init.stdout
    assert registered.tests.returncode == 0, registered.tests.stdout[-2000:]
