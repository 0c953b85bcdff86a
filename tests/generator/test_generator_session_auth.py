"""An app whose own login view keeps the user in Flask's session, without Flask-Login."""

from __future__ import annotations

import pytest
from generator_runs import GeneratedSuite, sample_suite

from flask_testkit.generator.reading.view_source import session_key_of


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """The notebook app (session["user_id"] set by POST /auth/login) after init."""
    return sample_suite("session_auth_app", tmp_path_factory)


def test_the_signed_in_client_sets_the_key_the_login_view_sets(suite: GeneratedSuite) -> None:
    conftest = suite.read("tests/conftest.py")
    assert 'session["user_id"] = user.id' in conftest
    assert "def auth_client(app, user):" in conftest
    assert "flask_login" not in conftest


def test_protected_endpoints_are_tested_signed_in_and_signed_out(suite: GeneratedSuite) -> None:
    tests = suite.read("tests/integration/test_notes_api.py")
    assert 'response = auth_client.post("/notes/", data=form)' in tests
    assert "def test_create_without_credentials_redirects(client):" in tests
    assert suite.tests.returncode == 0, suite.tests.stdout[-2000:]


def test_a_row_of_another_user_is_refused_to_the_signed_in_user(suite: GeneratedSuite) -> None:
    # The happy path's note is the signed-in user's; the same note made for the factory's own
    # owner is someone else's, and the view answers 403.
    tests = suite.read("tests/integration/test_notes_api.py")
    for name, call in (
        ("test_show_of_another_users_note_returns_forbidden", "get"),
        ("test_delete_of_another_users_note_returns_forbidden", "post"),
    ):
        test = tests.split(f"def {name}(auth_client, db_session):\n", 1)[1].split("\n\n\n")[0]
        assert "note = NoteFactory()\n" in test
        assert f"auth_client.{call}(" in test
        assert "assert response.status_code == 403" in test
    # The list shows only the user's own notes: nothing to refuse there.
    assert "def test_index_of_another" not in tests
    assert suite.tests.returncode == 0, suite.tests.stdout[-2000:]


def test_the_login_form_carries_the_users_name_and_the_test_password(
    suite: GeneratedSuite,
) -> None:
    tests = suite.read("tests/integration/test_auth_api.py")
    assert 'form = {"username": user.username, "password": TEST_PASSWORD}' in tests


def login_with_attribute(session, user):
    session.clear()
    session["account"] = user.pk


def login_with_a_row(session, row):
    session["user_id"] = row["id"]


@pytest.mark.parametrize(
    ("view", "expected"),
    [(login_with_attribute, ("account", "pk")), (login_with_a_row, None)],
)
def test_session_key_of_reads_what_the_view_keeps(view, expected) -> None:
    assert session_key_of(view) == expected
