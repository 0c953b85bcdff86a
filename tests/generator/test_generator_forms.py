"""Form views: the body is made for the form the view validated, whatever the code names first."""

from __future__ import annotations

import sys

import pytest
from generator_runs import SAMPLE_APPS, GeneratedSuite, sample_suite

from flask_testkit.generator.code import Code
from flask_testkit.generator.planning.exemptions import READS_NOTHING
from flask_testkit.generator.planning.payloads import form_body


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """A blog whose post page builds a guest's comment form unless a member is signed in."""
    return sample_suite("guest_forms_app", tmp_path_factory)


def _function(source: str, name: str) -> str:
    return source.split(f"def {name}(")[1].split("\n\n\n")[0]


def test_the_happy_post_sends_the_form_the_view_built_at_run_time(suite: GeneratedSuite):
    tests = suite.read("tests/integration/test_guestblog_api.py")
    happy = _function(tests, "test_post_show_post_redirects")
    for field in ('"author":', '"email": "user@example.com"', '"site": "https://example.com/"'):
        assert field in happy
    assert "assert response.status_code == 302" in happy
    assert "select(Comment).filter_by(body=form[" in happy
    # The form shown again is now the error case it is, beside the redirect.
    assert "def test_post_show_post_with_empty_form_shows_the_form_again(" in tests
    assert suite.tests.returncode == 0, suite.tests.stdout[-2000:]


def test_validators_shape_the_values(suite: GeneratedSuite) -> None:
    tests = suite.read("tests/integration/test_guestblog_api.py")
    sign_up = _function(tests, "test_post_sign_up_redirects")
    assert '"password": TEST_PASSWORD,\n        "repeat": TEST_PASSWORD,' in sign_up
    assert "assert response.status_code == 302" in sign_up


@pytest.fixture
def guestblog(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(SAMPLE_APPS / "guest_forms_app"))
    import guestblog

    yield guestblog
    sys.modules.pop("guestblog", None)


def test_form_body_fits_each_validator(guestblog) -> None:
    spec = form_body(guestblog.SignUpForm)
    assert spec is not None and spec.kind == "form"
    assert spec.fields["email"] == "user@example.com"
    assert spec.fields["password"] == Code("TEST_PASSWORD") == spec.fields["repeat"]
    assert 3 <= len(spec.fields["username"]) <= 20
    guest = form_body(guestblog.GuestCommentForm)
    assert guest is not None
    assert guest.fields["site"] == "https://example.com/"
    assert set(guest.fields) == {"body", "author", "email", "site"}


def test_a_form_page_that_reads_only_its_own_flashes_is_exempt(suite: GeneratedSuite) -> None:
    # GET /posts/new reads the session only for the messages the app flashed itself: no
    # request a client sends changes what it shows.
    conftest = suite.read("tests/conftest.py")
    assert f'"GET /posts/new  {READS_NOTHING}",' in conftest
    assert f'"GET /sign-up  {READS_NOTHING}",' in conftest
    # The post page reads who is signed in as a member, and turns to a guest's form otherwise.
    assert "GET /post/" not in conftest
