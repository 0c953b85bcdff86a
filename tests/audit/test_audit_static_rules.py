"""The rules read from source: each breach is found at its line, and the clean suite has none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from audit_projects import audit_json, line_of, places, write_project

BREAKING = {
    "tests/integration/test_items_mocked.py": """
        from unittest import mock
        from unittest.mock import MagicMock, patch

        from shop import Item, db


        def test_create_item_with_a_mocked_session(client):
            with patch("shop.db.session") as session:
                client.post("/items", json={"name": "a"})
            session.add.assert_called_once()


        @patch.object(db.session, "commit")
        def test_commit_is_mocked(commit, client):
            client.post("/items", json={"name": "a"})


        def test_query_is_monkeypatched(client, monkeypatch):
            monkeypatch.setattr(Item, "query", MagicMock())
            client.get("/items/5")


        def test_engine_is_mocked(app):
            with mock.patch("shop.db.engine"):
                pass
    """,
    "tests/integration/test_items_ids.py": """
        from shop import Item


        def test_get_item_by_a_literal_id(client, db_session):
            db_session.add(Item(name="a"))
            db_session.commit()
            response = client.get("/items/1")
            assert response.get_json()["id"] == 1


        def test_created_item_has_a_literal_id_and_time(client):
            response = client.post("/items", json={"name": "a"})
            assert response.get_json() == {"id": 1, "name": "a"}
            item = Item.query.one()
            assert item.created_at == "2024-01-01 00:00:00"


        def test_second_segment_is_literal(client):
            item = client.post("/items", json={"name": "a"}).get_json()
            client.get(f"/items/{item['id']}/parts/3")
    """,
    "tests/integration/test_items_private.py": """
        import shop
        from shop import _slug


        def test_slug_is_lowercase():
            assert _slug(" A ") == "a"


        def test_slug_through_the_module():
            assert shop._slug("B") == "b"
    """,
    "tests/unit/test_service.py": """
        def test_item_name_through_a_request(client):
            assert client.post("/items", json={"name": "A"}).get_json()["name"] == "a"
    """,
}

# Every construct above, written the way the guide asks.
CLEAN = {
    "tests/integration/test_items.py": """
        from unittest.mock import patch

        import pytest

        from shop import Item
        from shop import db as _db
        from tests import helpers


        @pytest.fixture
        def item(db_session):
            item = Item(name="a")
            db_session.add(item)
            db_session.commit()
            return item


        def test_get_item(client, item):
            response = client.get(f"/items/{item.id}")
            assert response.get_json() == {"id": item.id, "name": "a"}


        def test_missing_item_without_rows(client):
            assert client.get("/items/999").status_code == 404


        def test_create_item_does_not_notify(client):
            with patch("shop.notify", create=True) as notify:
                response = client.post("/items", json={"name": "A"})
            assert response.status_code == 201
            assert _db.session.get(Item, response.get_json()["id"]).name == "a"
            notify.assert_not_called()


        def test_own_helpers_may_be_private(client):
            assert helpers._post_item(client, "b")["name"] == "b"
            assert _local() == 1


        def _local():
            return 1
    """,
    "tests/helpers.py": """
        def _post_item(client, name):
            return client.post("/items", json={"name": name}).get_json()
    """,
    "tests/__init__.py": "",
    "tests/unit/test_service.py": """
        from shop import db, item_name


        def test_item_name_is_a_slug():
            assert item_name(" A ") == "a"


        def test_internals_of_flask_sqlalchemy_are_not_the_apps(app):
            assert db._app_engines is not None
    """,
}


@pytest.fixture(scope="module")
def breaking(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = write_project(tmp_path_factory.mktemp("breaking"), BREAKING)
    return root, audit_json(root, "--no-run")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = write_project(tmp_path_factory.mktemp("clean"), CLEAN)
    return root, audit_json(root, "--no-run")


MOCKED = "tests/integration/test_items_mocked.py"
IDS = "tests/integration/test_items_ids.py"
PRIVATE = "tests/integration/test_items_private.py"


@pytest.mark.parametrize(
    ("rule", "path", "text"),
    [
        ("mocked-database", MOCKED, 'patch("shop.db.session")'),
        ("mocked-database", MOCKED, '@patch.object(db.session, "commit")'),
        ("mocked-database", MOCKED, 'monkeypatch.setattr(Item, "query"'),
        ("hard-coded-id", IDS, 'client.get("/items/1")'),
        ("hard-coded-id", IDS, '["id"] == 1'),
        ("hard-coded-id", IDS, '{"id": 1, "name": "a"}'),
        ("hard-coded-id", IDS, "item.created_at =="),
        ("hard-coded-id", IDS, "/parts/3"),
        ("private-internals", PRIVATE, "from shop import _slug"),
        ("private-internals", PRIVATE, 'shop._slug("B")'),
        ("layout", "tests/unit/test_service.py", "def test_item_name_through_a_request"),
    ],
)
def test_breach_is_found_at_its_line(
    breaking: tuple[Path, dict[str, Any]], rule: str, path: str, text: str
) -> None:
    root, data = breaking
    assert (rule, path, line_of(root, path, text)) in places(data, rule)


def test_breaches_are_all_that_is_found(breaking: tuple[Path, dict[str, Any]]) -> None:
    _, data = breaking
    assert data["summary"]["by_rule"] == {
        "mocked-database": 4,
        "hard-coded-id": 5,
        "order-dependence": 0,
        "shared-state": 0,
        "skipped-error-cases": 0,
        "private-internals": 2,
        "layout": 1,
    }


def test_finding_says_what_to_do_instead(breaking: tuple[Path, dict[str, Any]]) -> None:
    _, data = breaking
    finding = next(f for f in data["findings"] if f["rule"] == "mocked-database")
    assert finding["message"] == (
        "`shop.db.session` is replaced by a mock in an integration test "
        "(test_create_item_with_a_mocked_session)"
    )
    assert finding["advice"].startswith("use the real test database through `db_session`")


def test_clean_suite_has_no_finding(clean: tuple[Path, dict[str, Any]]) -> None:
    _, data = clean
    assert data["findings"] == []
    assert data["not_checked"] == {
        "order-dependence": "--no-run",
        "shared-state": "--no-run",
        "skipped-error-cases": "--no-run",
    }


def test_flat_suite_is_missing_both_folders(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_items.py": "def test_nothing():\n    pass\n"})

    data = audit_json(root, "--no-run")

    assert [(f["path"], f["line"], f["message"]) for f in data["findings"]] == [
        ("tests", None, f"no tests/{folder} folder: the tests of {what} are not kept apart")
        for folder, what in (("integration", "HTTP endpoints"), ("unit", "service logic"))
    ]
