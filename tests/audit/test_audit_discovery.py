"""Finding the suite: PATH as a single file, the project's python_files, and what to do if none."""

from __future__ import annotations

from pathlib import Path

from audit_projects import audit_json, line_of, places, run_audit, write_project

# A suite kept in one module at the project's root, run as `pytest tests.py`.
ROOT_FILE = {
    "tests/conftest.py": None,
    "tests.py": """
        import pytest

        import shop
        from shop import _slug, create_app, db


        @pytest.fixture
        def client():
            app = create_app()
            with app.app_context():
                db.create_all()
                yield app.test_client()
                db.drop_all()


        def test_health(client):
            assert client.get("/health").status_code == 200


        def test_flag_on():
            shop.CACHE["flag"] = True


        def test_flag_off_by_default():
            assert "flag" not in shop.CACHE


        def test_slug():
            assert _slug(" A ") == "a"
    """,
}

CHECK_FILES = {
    "pytest.ini": None,
    "pyproject.toml": """
        [tool.pytest.ini_options]
        python_files = ["check_*.py"]
        filterwarnings = ["error"]
    """,
    "tests/integration/check_items.py": """
        from shop import _slug


        def test_missing_item(client):
            assert client.get("/items/5").status_code == 404


        def test_slug():
            assert _slug("A") == "a"
    """,
    "tests/unit/check_names.py": """
        from shop import item_name


        def test_item_name():
            assert item_name("A") == "a"
    """,
}


def test_root_file_passed_as_path_is_read_and_run(tmp_path: Path) -> None:
    root = write_project(tmp_path, ROOT_FILE)

    data = audit_json(root, "tests.py", "--seed", "1", "--budget", "120")

    assert data["tests"] == "tests.py"
    assert data["not_checked"] == {}
    assert places(data) == {
        ("private-internals", "tests.py", line_of(root, "tests.py", "import _slug")),
        ("layout", "tests.py", None),
        ("shared-state", "tests.py", line_of(root, "tests.py", "def test_flag_on")),
        ("order-dependence", "tests.py", line_of(root, "tests.py", "def test_flag_off")),
        ("skipped-error-cases", "shop/__init__.py", line_of(root, "shop/__init__.py", "/health")),
        ("skipped-error-cases", "shop/__init__.py", line_of(root, "shop/__init__.py", "/items/")),
        ("skipped-error-cases", "shop/__init__.py", line_of(root, "shop/__init__.py", '"/items"')),
    }
    [order] = [f for f in data["findings"] if f["rule"] == "order-dependence"]
    assert order["message"].startswith(
        "test_flag_off_by_default fails when `tests.py::test_flag_on` runs before it"
    )
    [layout] = [f for f in data["findings"] if f["rule"] == "layout"]
    assert layout["message"] == (
        "the whole suite is this one file: the tests of service logic and of HTTP endpoints "
        "are not kept apart"
    )


def test_python_files_of_pyproject_pick_the_test_modules(tmp_path: Path) -> None:
    root = write_project(tmp_path, CHECK_FILES)

    data = audit_json(root, "--budget", "0")

    path = "tests/integration/check_items.py"
    assert places(data) == {
        ("private-internals", path, line_of(root, path, "import _slug")),
        ("skipped-error-cases", "shop/__init__.py", line_of(root, "shop/__init__.py", "/health")),
        ("skipped-error-cases", "shop/__init__.py", line_of(root, "shop/__init__.py", '"/items"')),
    }
    assert [run["label"] for run in data["runs"]] == ["own order"]


def test_a_default_folder_that_is_missing_points_at_a_root_tests_file(tmp_path: Path) -> None:
    root = write_project(tmp_path, ROOT_FILE)

    result = run_audit(root, "--no-run")

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: there is no folder 'tests' to audit. The suite looks like tests.py: "
        "flask-testkit audit tests.py --app ..."
    ]


def test_a_folder_without_test_modules_names_the_patterns_and_their_origin(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path, {**CHECK_FILES, "tests/unit/check_names.py": None})
    (root / "tests/integration/check_items.py").rename(root / "tests/integration/test_items.py")

    result = run_audit(root, "--no-run")

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: tests holds no file that pytest collects (python_files: check_*.py, from "
        "pyproject.toml). Pass the suite's folder or file, or set python_files in the project's "
        "pytest config."
    ]


def test_testpaths_is_the_default_path(tmp_path: Path) -> None:
    files = {
        **CHECK_FILES,
        "pyproject.toml": """
            [tool.pytest.ini_options]
            python_files = ["check_*.py"]
            testpaths = ["tests/unit"]
        """,
    }
    root = write_project(tmp_path, files)

    data = audit_json(root, "--no-run")

    assert data["tests"] == "tests/unit"
