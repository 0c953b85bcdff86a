"""A conftest written the guide's way, on `testing_database` and `isolated_database`."""

from __future__ import annotations

import pytest
from plugin_helpers import user_factory_source

GUIDE_STYLE_CONFTEST = """
import pytest
from flask_testkit import isolated_database, testing_database

from inner_app import create_app, db as _db


@pytest.fixture(scope="session")
def app():
    app = create_app()
    with testing_database(app):
        yield app


@pytest.fixture
def db_session(app):
    with app.app_context(), isolated_database(_db) as session:
        yield session


@pytest.fixture
def client(app, db_session):
    return app.test_client()

"""


GUIDE_STYLE_TESTS = """
import pytest
from factories import UserFactory
from inner_app import count_users


@pytest.mark.parametrize("n", [3, 1, 2])
def test_list_users_returns_all(client, db_session, n):
    UserFactory.create_batch(n)
    db_session.flush()
    assert client.get("/users/count").json == {"count": n}


def test_create_user_duplicate_email(client, db_session):
    UserFactory(email="dupe@example.com")
    db_session.flush()
    response = client.post("/users", json={"email": "dupe@example.com"})
    assert response.status_code == 409


def test_the_session_is_the_apps_own(db_session):
    from inner_app import db
    assert db_session is db.session
    assert count_users() == 0
"""


def test_a_guide_style_conftest_is_isolated(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.makeconftest(GUIDE_STYLE_CONFTEST)
    project.makepyfile(factories=user_factory_source())
    project.makepyfile(GUIDE_STYLE_TESTS)
    result = project.runpytest_inprocess("-p", "randomly")
    result.assert_outcomes(passed=5)


def test_isolated_database_needs_an_app_context(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
import pytest
from flask_testkit import isolated_database
from flask_testkit.errors import ConfigurationError
from inner_app import db


def test_outside_a_context():
    with pytest.raises(ConfigurationError, match="needs an app context"):
        with isolated_database(db):
            pass
"""
    )
    project.runpytest_inprocess().assert_outcomes(passed=1)


def test_importing_the_helpers_into_a_test_module_collects_nothing_extra(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(
        """
from flask_testkit import isolated_database, isolated_engines, testing_database


def test_only_this():
    assert callable(testing_database)
"""
    )
    result = project.runpytest_inprocess("--collect-only", "-q")
    assert [line for line in result.outlines if "::" in line] == [
        "test_importing_the_helpers_into_a_test_module_collects_nothing_extra.py::test_only_this"
    ]
