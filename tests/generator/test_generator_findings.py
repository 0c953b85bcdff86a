"""What the generator found in particular sample apps, as the written files and summary show it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from generator_runs import GeneratedSuite, run_pytest, sample_suite, source_of_test

from flask_testkit.generator.planning.exemptions import READS_ONLY_IDENTITY, READS_ONLY_LANGUAGE


@pytest.fixture(scope="module")
def no_db(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """The calculator app, which has no database, a crashing route and a networked one."""
    return sample_suite("no_db_app", tmp_path_factory)


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """The Flask-Login and Flask-WTF app."""
    return sample_suite("login_forms_app", tmp_path_factory)


def test_route_that_reaches_the_network_is_reported_not_tested(no_db: GeneratedSuite) -> None:
    assert (
        "GET /api/rates: it needs a network service: https at rates.example.com:443"
        in no_db.init.stdout
    )
    assert 'client.get("/api/rates")' not in no_db.read("tests/integration/test_calc_api.py")


def test_crashing_route_becomes_a_strict_xfail_naming_the_exception(no_db: GeneratedSuite) -> None:
    source = no_db.read("tests/integration/test_calc_api.py")
    assert "@pytest.mark.xfail(\n    raises=StatisticsError,\n    strict=True," in source
    assert no_db.outcomes.get("xfailed") == 1


def test_route_that_negotiates_content_gets_a_not_acceptable_test(no_db: GeneratedSuite) -> None:
    source = no_db.read("tests/integration/test_calc_api.py")
    assert (
        "def test_constants_asking_for_xml_returns_not_acceptable(client):\n"
        '    response = client.get("/api/constants", headers={"Accept": "application/xml"})\n'
        "\n"
        "    assert response.status_code == 406\n"
    ) in source
    assert re.search(r"\n  GET +/api/constants +happy  error\n", no_db.init.stdout)


def test_route_that_answers_any_accept_header_gets_no_not_acceptable_test(
    no_db: GeneratedSuite,
) -> None:
    assert "application/xml" not in no_db.read("tests/integration/test_calc_api.py").replace(
        'client.get("/api/constants", headers={"Accept": "application/xml"})', ""
    )
    # GET / reads nothing of the request: it is exempt rather than a gap.
    assert "  GET   /                     happy  exempt\n" in no_db.init.stdout


def test_app_without_database_gets_no_factories(no_db: GeneratedSuite) -> None:
    assert not (no_db.root / "tests" / "factories.py").exists()
    assert "testing_database" not in no_db.read("tests/conftest.py")


def test_generated_conftest_uses_the_database_the_run_names(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    notes = sample_suite("module_app", tmp_path_factory)
    # Nothing listens on port 1: the run fails at once, naming the URL it was given.
    url = "postgresql+psycopg://nobody@127.0.0.1:1/chosen_by_the_run"

    result = run_pytest(notes.root, "tests/", "-q", f"--db-url={url}", suffix="db_url")

    assert result.returncode != 0
    assert "127.0.0.1:1/chosen_by_the_run" in result.stdout
    assert "port 1 failed: Connection refused" in result.stdout


def test_an_endpoint_that_reads_nothing_from_the_request_is_exempt_and_only_it(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    notes = sample_suite("module_app", tmp_path_factory)

    assert "  GET     /notes                happy  exempt\n" in notes.init.stdout
    assert "(1 exempt: no request to them can be refused)" in notes.init.stdout
    # Every request reads Accept-Language to choose the language it answers in: that refuses
    # nothing, and the exemption says so.
    assert f'"GET /notes  {READS_ONLY_LANGUAGE}",' in notes.read("tests/conftest.py")
    result = run_pytest(
        notes.root, "tests/", "-q", "--endpoint-coverage-json=report.json", suffix="exempt"
    )

    assert result.returncode == 0, result.stdout[-2000:]
    rows = json.loads((notes.root / "report.json").read_text())["endpoints"]
    exempt = {(row["method"], row["rule"]) for row in rows if row["exempt"]}
    # POST reads its body and the others their rule's argument: each has a request to refuse.
    assert exempt == {("GET", "/notes")}


def test_a_page_that_reads_only_who_is_signed_in_and_lets_everyone_in_is_exempt(
    journal: GeneratedSuite,
) -> None:
    # The login page reads the session (is someone signed in?), and init sent it a visitor
    # and the signed-in user: both got the page, so there is no one it turns away.
    conftest = journal.read("tests/conftest.py")
    assert f'"GET /auth/login  {READS_ONLY_IDENTITY}",' in conftest
    assert re.search(r"\n  GET +/auth/login +happy  exempt\n", journal.init.stdout)
    # The entries page reads the signed-in user too, and sends a visitor to sign in.
    assert "GET /entries/ " not in conftest
    assert re.search(r"\n  GET +/entries/ +happy  error\n", journal.init.stdout)
    # Signing in reads the form as well: a wrong password is refused on the page it shows.
    assert "POST /auth/login" not in conftest
    assert re.search(r"\n  POST +/auth/login +happy  error\n", journal.init.stdout)
    source = journal.read("tests/integration/test_auth_api.py")
    assert "def test_post_login_with_wrong_password_shows_the_form_again(" in source
    assert 'escape("Unknown username or wrong password.") in response' in source


def test_flask_login_app_gets_a_signed_in_client(journal: GeneratedSuite) -> None:
    conftest = journal.read("tests/conftest.py")
    assert "return FlaskLoginClient(app, app.response_class, user=user)" in conftest


def test_csrf_is_turned_off_for_flask_wtf(journal: GeneratedSuite) -> None:
    assert "WTF_CSRF_ENABLED=False" in journal.read("tests/conftest.py")


def test_factory_stores_a_known_password(journal: GeneratedSuite) -> None:
    factories = journal.read("tests/factories.py")
    assert "password_hash = factory.LazyFunction(_user_password)" in factories
    assert "def test_user_factory_sets_the_known_password" in journal.read(
        "tests/unit/test_factories.py"
    )


def test_login_form_is_tested_with_the_factory_user(journal: GeneratedSuite) -> None:
    source = journal.read("tests/integration/test_auth_api.py")
    assert 'form = {"username": user.username, "password": TEST_PASSWORD}' in source


def test_protected_pages_redirect_anonymous_users_to_login(journal: GeneratedSuite) -> None:
    source = journal.read("tests/integration/test_entries_api.py")
    assert "def test_index_without_credentials_redirects(client" in source
    assert 'assert urlsplit(response.location).path == "/auth/login"' in source


def test_generated_files_are_the_guide_layout(journal: GeneratedSuite) -> None:
    written = sorted(
        str(p.relative_to(journal.root)) for p in Path(journal.root, "tests").rglob("*.py")
    )
    assert written == [
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/factories.py",
        "tests/integration/__init__.py",
        "tests/integration/test_auth_api.py",
        "tests/integration/test_entries_api.py",
        "tests/integration/test_journal_api.py",
        "tests/unit/__init__.py",
        "tests/unit/test_factories.py",
        "tests/unit/test_models.py",
    ]


def test_http_basic_app_gets_basic_credentials(tmp_path_factory: pytest.TempPathFactory) -> None:
    ledger = sample_suite("basic_auth_app", tmp_path_factory)

    conftest = ledger.read("tests/conftest.py")
    assert 'token = base64.b64encode(f"{user.username}:{TEST_PASSWORD}".encode()).decode()' in (
        conftest
    )
    assert 'return {"Authorization": f"Basic {token}"}' in conftest


def test_a_unique_value_the_body_sends_gets_the_duplicate_case(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # The guide's duplicate-email test: the row exists first, then the same body again.
    taskapi = sample_suite("jwt_api_app", tmp_path_factory)
    tests = taskapi.read("tests/integration/test_auth_api.py")
    _, test = source_of_test(tests, "test_register_with_duplicate_email_returns_conflict")
    assert 'UserFactory(email="new.user@example.com")' in test
    assert "assert response.status_code == 409" in test


def test_an_app_that_crashes_on_a_duplicate_gets_a_strict_xfail(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    pantry = sample_suite("alchemical_app", tmp_path_factory)
    tests = pantry.read("tests/integration/test_pantry_api.py")
    marked, _ = source_of_test(tests, "test_add_item_with_duplicate_name_does_not_fail")
    assert "raises=IntegrityError" in marked
    assert pantry.tests.returncode == 0, pantry.tests.stdout[-2000:]


def test_an_html_page_is_checked_by_its_title(journal: GeneratedSuite) -> None:
    tests = journal.read("tests/integration/test_auth_api.py")
    assert 'assert "<title>Log in</title>" in response.get_data(as_text=True)' in tests
    assert journal.tests.returncode == 0, journal.tests.stdout[-2000:]


def test_a_title_that_shows_a_factory_rows_values_is_not_asserted(journal: GeneratedSuite) -> None:
    # The entry page's title names its author, a row the entry's factory makes on the way.
    _, test = source_of_test(
        journal.read("tests/integration/test_entries_api.py"), "test_show_returns_ok"
    )
    assert "<title>" not in test
    assert "dropped by verification: 0" in journal.init.stdout


def test_an_update_checks_the_row_it_changed_in_the_database(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # The response echoing the body proves nothing stored: the row is read again, and each
    # column the request was seen to change to a sent value is asserted.
    petstore = sample_suite("smorest_app", tmp_path_factory)
    tests = petstore.read("tests/integration/test_pets_api.py")
    _, update = source_of_test(tests, "test_put_pet_by_id_returns_ok")
    assert "db_session.refresh(pet)" in update
    assert 'assert pet.name == payload["name"]' in update
    assert 'assert pet.age == payload["age"]' in update
    assert petstore.tests.returncode == 0, petstore.tests.stdout[-2000:]
