"""The rules read from a run of the suite: shared state, skipped error cases, no database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from audit_projects import audit_json, line_of, places, write_project

STATE = "tests/integration/test_state.py"
BREAKING = {
    STATE: """
        import os

        import shop
        from shop import Item, db


        def test_leaves_rows(app):
            db.session.add(Item(name="x"))
            db.session.commit()


        def test_changes_a_global():
            shop.CACHE["key"] = 1


        def test_changes_config(app):
            app.config["FEATURE"] = True


        def test_changes_environ():
            os.environ["SHOP_MODE"] = "x"


        def test_get_health(client):
            assert client.get("/health").status_code == 200


        def test_leaves_a_context(app):
            app.app_context().push()
    """,
    "tests/unit/test_names.py": """
        from shop import item_name


        def test_item_name():
            assert item_name("A") == "a"
    """,
}

CLEAN = {
    "pytest.ini": """
        [pytest]
        filterwarnings = error
        endpoint_coverage_exempt =
            GET /health  a liveness probe: nothing to refuse
    """,
    "tests/integration/test_items.py": """
        import shop
        from shop import Item


        def test_create_item(client):
            assert client.post("/items", json={"name": "x"}).status_code == 201
            assert Item.query.count() == 1


        def test_create_item_without_a_name(client):
            assert client.post("/items", json={}).status_code == 422


        def test_get_item(client, db_session):
            item = Item(name="a")
            db_session.add(item)
            db_session.commit()
            assert client.get(f"/items/{item.id}").get_json() == {"id": item.id, "name": "a"}


        def test_missing_item(client):
            assert client.get("/items/999").status_code == 404


        def test_health(client):
            assert client.get("/health").get_json() == {"ok": True}


        def test_changes_are_undone(app, monkeypatch):
            monkeypatch.setitem(shop.CACHE, "key", 1)
            monkeypatch.setitem(app.config, "FEATURE", True)
            monkeypatch.setenv("SHOP_MODE", "x")


        def test_context_is_popped(app):
            with app.test_request_context("/items/1"):
                pass
    """,
    "tests/unit/test_names.py": BREAKING["tests/unit/test_names.py"],
}


@pytest.fixture(scope="module")
def breaking(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = write_project(tmp_path_factory.mktemp("breaking"), BREAKING)
    return root, audit_json(root, "--budget", "0")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = write_project(tmp_path_factory.mktemp("clean"), CLEAN)
    return root, audit_json(root, "--budget", "0")


def _messages(data: dict[str, Any], rule: str) -> dict[tuple[str, int | None], str]:
    return {(f["path"], f["line"]): f["message"] for f in data["findings"] if f["rule"] == rule}


@pytest.mark.parametrize(
    ("test", "message"),
    [
        (
            "test_leaves_rows",
            "test_leaves_rows left rows behind (1 in item) for the tests after it",
        ),
        (
            "test_changes_a_global",
            "test_changes_a_global changed module globals of the app and did not restore them: "
            "`shop.CACHE`",
        ),
        (
            "test_changes_config",
            "test_changes_config changed app.config keys and did not restore them: `shop: FEATURE`",
        ),
        (
            "test_changes_environ",
            "test_changes_environ changed environment variables and did not restore them: "
            "`SHOP_MODE`",
        ),
        (
            "test_leaves_a_context",
            "test_leaves_a_context left an app context pushed: the next test runs inside it",
        ),
    ],
)
def test_shared_state_is_found_at_the_test(
    breaking: tuple[Path, dict[str, Any]], test: str, message: str
) -> None:
    root, data = breaking
    line = line_of(root, STATE, f"def {test}(")
    assert _messages(data, "shared-state")[(STATE, line)] == message


def test_shared_state_is_all_that_the_state_rule_finds(
    breaking: tuple[Path, dict[str, Any]],
) -> None:
    _, data = breaking
    assert len(places(data, "shared-state")) == 5


@pytest.mark.parametrize(
    ("decorator", "message"),
    [
        ('@app.get("/items/<int:item_id>")', "GET /items/<int:item_id> has no error case: "),
        ('@app.post("/items")', "POST /items has no error case: "),
        ('@app.get("/health")', "GET /health has no error case: tests got 200"),
    ],
)
def test_endpoint_without_an_error_case_is_found_at_its_view(
    breaking: tuple[Path, dict[str, Any]], decorator: str, message: str
) -> None:
    root, data = breaking
    line = line_of(root, "shop/__init__.py", decorator)
    found = _messages(data, "skipped-error-cases")[("shop/__init__.py", line)]
    assert found.startswith(message)


def test_untested_endpoint_says_so(breaking: tuple[Path, dict[str, Any]]) -> None:
    root, data = breaking
    line = line_of(root, "shop/__init__.py", '@app.post("/items")')
    assert _messages(data, "skipped-error-cases")[("shop/__init__.py", line)] == (
        "POST /items has no error case: no test sends it a request"
    )


def test_clean_suite_has_no_finding(clean: tuple[Path, dict[str, Any]]) -> None:
    _, data = clean
    assert data["findings"] == []
    assert data["not_checked"] == {"order-dependence": "--budget 0"}
    assert data["notes"] == []


def test_integration_tests_that_never_reach_the_database(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "tests/integration/test_items.py": """
                from unittest.mock import patch


                def test_create_item(client):
                    with patch("shop.db.session"):
                        assert client.post("/items", json={"name": "x"}).status_code == 201


                def test_health(client):
                    assert client.get("/health").status_code == 200
            """,
            "tests/unit/test_names.py": BREAKING["tests/unit/test_names.py"],
        },
    )

    data = audit_json(root, "--budget", "0")

    assert ("layout", "tests/integration", None) in places(data, "layout")
    assert len(places(data, "mocked-database")) == 1
