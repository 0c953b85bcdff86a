"""The generator's small helpers: names, imports, body stability, copies and the probe sandbox."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from flask_testkit.generator.cases import status_words
from flask_testkit.generator.code import Imports, snake
from flask_testkit.generator.pipeline import import_factories
from flask_testkit.generator.probing.sandbox import NetworkBlocked, ProbeTimeout, guarded
from flask_testkit.generator.reading.model_lookup import singular
from flask_testkit.generator.rendering.assertions import is_stable
from flask_testkit.generator.rendering.case_code import free_names
from flask_testkit.generator.rendering.suite_files import integration_module_name
from flask_testkit.generator.writing.files import backup_name
from flask_testkit.generator.writing.updating import merge_file, requested_endpoints


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("users", "user"),
        ("categories", "category"),
        ("boxes", "box"),
        ("address", "address"),
        ("news-items", "news_item"),
        ("data", "data"),
    ],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, "ok"),
        (201, "created"),
        (204, "no_content"),
        (302, "redirects"),
        (404, "not_found"),
        (409, "conflict"),
        (599, "status_599"),
    ],
)
def test_status_words(status: int, expected: str) -> None:
    assert status_words(status) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("PetById", "pet_by_id"), ("api.users", "api_users"), ("class", "v_class"), ("2fa", "v_2fa")],
)
def test_snake(name: str, expected: str) -> None:
    assert snake(name) == expected


def test_imports_are_grouped_and_sorted_as_isort_does() -> None:
    imports = Imports()
    imports.add("pytest")
    imports.add("tests.factories", "UserFactory")
    imports.add("tests.factories", "TEST_PASSWORD")
    imports.add("urllib.parse", "urlsplit")
    imports.add("app", "app as flask_app")
    imports.add("app", "db")
    imports.add("flask_testkit", "testing_database")

    rendered = imports.render({"urllib"}, {"app", "tests"})

    assert rendered == (
        "from urllib.parse import urlsplit\n"
        "\n"
        "import pytest\n"
        "from flask_testkit import testing_database\n"
        "\n"
        "from app import app as flask_app\n"
        "from app import db\n"
        "from tests.factories import TEST_PASSWORD, UserFactory"
    )


@pytest.mark.parametrize(
    ("body", "stable"),
    [
        ({"error": {"code": "NOT_FOUND", "details": {}}}, True),
        ({"data": {"id": 7, "email": "a@example.com"}}, False),
        ({"message": "No user with id 42."}, False),
        ({"created_at": "2026-01-02T03:04:05"}, False),
        ({"token": "x" * 40}, False),
        ({"total": 6, "ok": True}, True),
    ],
)
def test_is_stable(body: object, stable: bool) -> None:
    assert is_stable(body, {"42", "a@example.com"}) is stable


def test_sandbox_refuses_connections_to_other_machines() -> None:
    with guarded(timeout=5) as report, pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.1", 80), timeout=1)

    assert report.network_targets == ["http at 192.0.2.1:80"]


def test_sandbox_stops_a_probe_that_runs_too_long() -> None:
    with guarded(timeout=0.05) as report, pytest.raises(ProbeTimeout):
        while True:
            pass

    assert report.timed_out


@pytest.mark.parametrize(
    ("group", "expected"),
    [("users", "test_users_api.py"), ("api", "test_api.py"), ("admin_api", "test_admin_api.py")],
)
def test_integration_module_name(group: str, expected: str) -> None:
    assert integration_module_name(group) == expected


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ([], "conftest.py.orig"),
        (["conftest.py.orig"], "conftest.py.orig2"),
        (["conftest.py.orig", "conftest.py.orig2"], "conftest.py.orig3"),
    ],
)
def test_backup_name_never_takes_an_existing_copy(
    tmp_path: Path, existing: list[str], expected: str
) -> None:
    for name in existing:
        (tmp_path / name).write_text("an earlier copy\n")

    assert backup_name(tmp_path / "conftest.py") == tmp_path / expected


UPDATE_SOURCE = """
def test_a(client, note):
    client.get(f"/notes/{note.id}")
    client.post("/notes?draft=1", json={})
    auth_client.delete(f"/users/{user.id}/notes/{note.id}")
"""


@pytest.mark.parametrize(
    ("endpoint", "tested"),
    [
        (("GET", "/notes/<int:note_id>"), True),
        (("POST", "/notes"), True),
        (("DELETE", "/users/<int:user_id>/notes/<int:note_id>"), True),
        (("GET", "/notes"), False),
        (("DELETE", "/notes/<int:note_id>"), False),
        (("GET", "/notes/<int:note_id>/history"), False),
    ],
)
def test_requested_endpoints_reads_the_requests_of_existing_tests(
    tmp_path: Path, endpoint: tuple[str, str], tested: bool
) -> None:
    (tmp_path / "test_mine.py").write_text(UPDATE_SOURCE)
    # conftest.py signs in through the app; that is not a test of the endpoint.
    (tmp_path / "conftest.py").write_text('client.get("/notes")\n')

    assert (endpoint in requested_endpoints(tmp_path, {endpoint})) is tested


def test_update_adds_no_second_factory_for_a_model_that_has_one() -> None:
    existing = "class NoteMaker(BaseFactory):\n    class Meta:\n        model = Note\n"
    generated = (
        "class NoteFactory(BaseFactory):\n    class Meta:\n        model = Note\n\n\n"
        "class TagFactory(BaseFactory):\n    class Meta:\n        model = Tag\n"
    )

    merged = merge_file(existing, generated)

    assert merged is not None
    assert "class NoteFactory" not in merged
    assert merged.startswith(existing)
    assert "class TagFactory(BaseFactory):" in merged


@pytest.mark.parametrize(
    ("body", "needed"),
    [
        ('response = client.get(f"/user/{user_model.id}")', {"client", "user_model"}),
        ('response = client.get(f"/users/{user.id}")', {"client", "user"}),
        (
            'user = UserFactory()\nresponse = client.get(f"/users/{user.id}")',
            {"client", "UserFactory"},
        ),
        ('response = client.get("/me", headers=auth_headers)', {"client", "auth_headers"}),
    ],
)
def test_a_test_needs_the_names_it_reads_not_the_words_in_its_urls(
    body: str, needed: set[str]
) -> None:
    assert free_names(body) == needed


def test_config_values_that_name_nothing_on_disk_are_not_files(tmp_path: Path) -> None:
    from flask import Flask

    from flask_testkit.generator.reading.app_files import ScratchCopy, file_settings

    app = Flask(__name__)
    app.config.update(
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        LOG_FILE=str(tmp_path / "app.log"),
        DROPZONE_ALLOWED_FILE_TYPE=".png,.jpg,.jpeg",
        LOG_LEVEL_FILE="INFO",
        DOCS_PATH="/docs",
    )
    copy = ScratchCopy(tmp_path / "real", tmp_path)
    assert sorted(s.key for s in file_settings(app, copy, set())) == ["LOG_FILE", "UPLOAD_FOLDER"]


def test_factories_rewritten_in_the_same_second_run_their_new_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where bytecode is written (most machines), an import keyed by the file's mtime and size
    # would run the first version again: both versions here have the same size.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "bytecode"))
    first = import_factories("LOW = 10\n", tmp_path)
    second = import_factories("LOW = 11\n", tmp_path)
    assert (first.LOW, second.LOW) == (10, 11)
