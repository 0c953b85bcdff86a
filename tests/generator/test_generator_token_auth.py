"""A token API whose token endpoint takes HTTP Basic credentials (the Flask-HTTPAuth pattern)."""

from __future__ import annotations

import pytest
from generator_runs import GeneratedSuite, sample_suite, source_of_test


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """The token API (POST /api/tokens with Basic credentials gives a bearer token) after init."""
    return sample_suite("token_basic_app", tmp_path_factory)


def test_auth_headers_carry_a_token_from_the_basic_token_endpoint(suite: GeneratedSuite) -> None:
    conftest = suite.read("tests/conftest.py")
    assert 'response = client.post("/api/tokens", headers=_basic_credentials(user))' in conftest
    assert 'token = response.get_json()["access_token"]' in conftest
    assert 'f"{user.username}:{TEST_PASSWORD}"' in conftest


def test_protected_endpoints_get_a_happy_path_with_the_token(suite: GeneratedSuite) -> None:
    tests = suite.read("tests/integration/test_tokenapi_api.py")
    assert 'response = client.get("/api/me", headers=auth_headers)' in tests
    assert "def test_me_without_credentials_returns_unauthorized(client):" in tests
    assert "Endpoints: 4/4 with a happy path and an error case" in suite.init.stdout


def test_the_token_endpoint_is_tested_with_and_without_credentials(suite: GeneratedSuite) -> None:
    tests = suite.read("tests/integration/test_tokenapi_api.py")
    assert "def test_new_token_returns_ok(client, login_headers):" in tests
    assert "def test_new_token_without_credentials_returns_unauthorized(client):" in tests
    assert suite.tests.returncode == 0, suite.tests.stdout[-2000:]


def test_a_literal_id_that_is_the_signed_in_users_key_is_written_as_that_key(
    suite: GeneratedSuite,
) -> None:
    # 1 is the signed-in user's key in a new database only; elsewhere it is someone else.
    tests = suite.read("tests/integration/test_tokenapi_api.py")
    _, test = source_of_test(tests, "test_add_friend_returns_no_content")
    assert 'client.post(f"/api/me/friends/{user.id}", headers=auth_headers)' in test
