"""An app with two ways in: Flask-Login for its pages, and a token API beside them.

Only the first mechanism found was used: every API endpoint then answered 401, and none had a
happy path. Both are found now; each page test signs in through the session and each API test
through the token its endpoint gives.
"""

from __future__ import annotations

import re

import pytest
from generator_runs import GeneratedSuite, sample_suite, source_of_test


@pytest.fixture(scope="module")
def diary(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    return sample_suite("two_sign_ins_app", tmp_path_factory)


def test_the_conftest_signs_in_both_ways(diary: GeneratedSuite) -> None:
    conftest = diary.read("tests/conftest.py")
    assert "return FlaskLoginClient(app, app.response_class, user=user)" in conftest
    assert "def auth_headers(client, user):" in conftest
    assert 'response = client.post("/api/tokens", headers=_basic_credentials(user))' in conftest
    assert "def login_headers(user):" in conftest


def test_pages_sign_in_through_the_session_and_the_api_through_its_token(
    diary: GeneratedSuite,
) -> None:
    module = diary.read("tests/integration/test_diary_api.py")
    _, page = source_of_test(module, "test_entries_page_returns_ok")
    assert "auth_client.get(" in page
    _, api = source_of_test(module, "test_get_entry_returns_ok")
    assert "headers=auth_headers" in api and "assert response.status_code == 200" in api
    _, token = source_of_test(module, "test_new_token_returns_ok")
    assert "headers=login_headers" in token
    for rule in ("/api/entries", "/api/entries/<int:entry_id>", "/api/tokens"):
        assert re.search(rf"\n  (GET|POST) +{re.escape(rule)} +happy  error\n", diary.init.stdout)
    assert diary.outcomes.get("failed", 0) == 0
